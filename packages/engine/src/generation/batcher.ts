import type { GenerativeModel, RowSize } from '../models/generative-model.js';
import { UNLIMITED, type BatchLimits } from './batch-limits.js';
import { DecodingRow } from './decoding-row.js';
import type { GenerationResult, RowRequest } from './row-request.js';

/** What one decoding step ran, for profiles and tests. */
export interface StepReport {
  /** Rows per session run this step (one entry per group). */
  rows: number[];
  /** Bytes the groups' caches held after the step. */
  cacheBytes: number;
  /** Rows that joined this step (prefilled, then merged). */
  joined: number;
}

/** Totals since the batcher was made. */
export interface BatchStats {
  steps: number;
  /** Decoder session runs (one per group per step). */
  runs: number;
  /** Rows decoded, summed over runs: rowSteps / runs is the mean batch size. */
  rowSteps: number;
  /** Most rows in one run. */
  largest: number;
}

interface Member {
  row: DecodingRow;
  size: RowSize;
  arrived: number;
  /** Tokens this row feeds again, without deciding, after its decoder cache was rebuilt. */
  replay: number[];
  resolve: (result: GenerationResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Newcomers in prefill batches of similar prompt lengths. Prefill is compute-bound, so padding a
 * short prompt to a long one's length only adds work; merging after the prefill is cheap.
 */
function byLength(members: Member[]): Member[][] {
  const sorted = [...members].sort((a, b) => a.size.promptTokens - b.size.promptTokens);
  const buckets: Member[][] = [];
  for (const m of sorted) {
    const bucket = buckets.at(-1);
    if (bucket && m.size.promptTokens <= bucket[0]!.size.promptTokens * 1.25 + 4) bucket.push(m);
    else buckets.push([m]);
  }
  return buckets;
}

/** Rows that run as one batch: their state and the token each feeds next. */
interface Group<S> {
  members: Member[];
  state: S;
  tokens: number[];
}

/**
 * Continuous batching: requests submitted at any time join the running batch at the next step
 * boundary. Newcomers are prefilled together as their own batch, then merged into a running
 * group (the model pads the caches); rows that finish are resolved at once and sliced out. When
 * the model cannot merge two groups (seq2seq rows at different decoder lengths), each group runs
 * its own step. Admission is first come, first served, within a row count and a cache budget.
 */
export class Batcher<S> {
  private readonly waiting: Member[] = [];
  private groups: Group<S>[] = [];
  /** Prefilled newcomers waiting for company before they decode (see BatchLimits.gatherMs). */
  private held: { groups: Group<S>[]; since: number } | null = null;
  private running = false;
  readonly stats: BatchStats = { steps: 0, runs: 0, rowSteps: 0, largest: 0 };
  /** Called after every step when set (tests, profiles); the report is only built for a listener. */
  onStep: ((report: StepReport) => void) | null = null;

  private readonly limits: BatchLimits;

  constructor(
    private readonly model: GenerativeModel<S>,
    limits: Partial<BatchLimits> = {},
  ) {
    this.limits = { ...UNLIMITED, ...limits };
  }

  /** Rows decoding now and requests waiting to join. */
  get load(): { active: number; waiting: number } {
    const held = this.held?.groups.reduce((n, g) => n + g.members.length, 0) ?? 0;
    return { active: this.groups.reduce((n, g) => n + g.members.length, 0) + held, waiting: this.waiting.length };
  }

  submit(request: RowRequest): Promise<GenerationResult> {
    return new Promise((resolve, reject) => {
      const size = { promptTokens: request.prompt.length, maxNewTokens: request.config.maxNewTokens };
      this.waiting.push({ row: new DecodingRow(this.model as GenerativeModel<unknown>, request), size, arrived: performance.now(), replay: [], resolve, reject });
      if (!this.running) {
        this.running = true;
        // After the current task: requests submitted together are prefilled together.
        setImmediate(() => void this.pump());
      }
    });
  }

  private async pump(): Promise<void> {
    try {
      while (this.waiting.length || this.groups.length || this.held) {
        const joined = await this.admit();
        for (const group of [...this.groups]) {
          this.stats.runs++;
          this.stats.rowSteps += group.members.length;
          this.stats.largest = Math.max(this.stats.largest, group.members.length);
          await this.advance(group);
        }
        this.stats.steps++;
        this.onStep?.({
          rows: this.groups.map((g) => g.members.length),
          cacheBytes: this.groups.reduce((n, g) => n + this.model.stateBytes(g.state), 0),
          joined,
        });
      }
    } finally {
      this.running = false;
    }
  }

  /** Takes the waiting requests that fit, prefills them in batches of similar length and merges them in. */
  private async admit(): Promise<number> {
    if (!this.waiting.length && !this.held) return 0;
    const members = [...this.groups, ...(this.held?.groups ?? [])].flatMap((g) => g.members);
    const sizes = members.map((m) => m.size);
    const taken: Member[] = [];
    while (this.waiting.length) {
      const next = this.waiting[0]!;
      if (next.row.request.signal?.aborted) {
        this.waiting.shift();
        next.row.finish = 'aborted';
        next.resolve(next.row.result());
        continue;
      }
      const rows = [...sizes, ...taken.map((m) => m.size), next.size];
      const empty = sizes.length + taken.length === 0;
      const prefill = [...taken, next].reduce((n, m) => n + m.size.promptTokens, 0);
      const over = rows.length > this.limits.maxRows || this.model.batchBytes(rows) > this.limits.kvBudgetBytes;
      // A request bigger than the whole budget still runs, alone; an oversized prefill waits a step.
      if ((!empty && over) || (taken.length > 0 && prefill > this.limits.maxPrefillTokens)) break;
      taken.push(this.waiting.shift()!);
    }
    const fresh: Group<S>[] = [];
    for (const bucket of byLength(taken)) {
      const group = await this.prefill(bucket);
      if (group) fresh.push(group);
    }
    // Only rows already decoding make newcomers wait; the buckets of a burst into an idle batcher start at once.
    const hold = this.groups.length > 0 && !this.model.mergesAnyLength && this.limits.gatherMs > 0;
    if (hold && fresh.length) {
      const since = Math.min(...fresh.flatMap((g) => g.members.map((m) => m.arrived)));
      if (this.held) this.held = { groups: [...this.held.groups, ...fresh], since: Math.min(this.held.since, since) };
      else this.held = { groups: fresh, since };
    } else if (fresh.length) await this.place(fresh);
    await this.release();
    return taken.length;
  }

  /** Prefills rows as one batch; returns them as a group unless every row finished at its first token. */
  private async prefill(members: Member[]): Promise<Group<S> | null> {
    let out;
    try {
      out = await this.model.start(members.map((m) => m.row.request.prompt));
    } catch (err) {
      for (const m of members) m.reject(err);
      return null;
    }
    return this.consume({ members, state: out.state, tokens: [] }, out.logits, out.vocabSize);
  }

  /** Lets the held newcomers decode once the gather window is over, the rows are full, or nothing else runs. */
  private async release(): Promise<void> {
    if (!this.held) return;
    const waited = performance.now() - this.held.since;
    const full = this.load.active + this.waiting.length >= this.limits.maxRows;
    if (this.groups.length && waited < this.limits.gatherMs && !full) return;
    const { groups } = this.held;
    this.held = null;
    await this.place(groups);
  }

  /**
   * Puts newly prefilled groups (all at their first token) to work, merging their states once:
   * into a running group where the model allows, else into a young one by replay, else together
   * as a new group.
   */
  private async place(fresh: Group<S>[]): Promise<void> {
    if (this.groups.some((g) => this.join(g, fresh))) return;
    const young = this.model.restart && this.groups.find((g) => Math.max(...g.members.map((m) => m.row.tokens.length)) <= this.limits.maxReplaySteps);
    if (young && (await this.replayInto(young, fresh))) return;
    const [first, ...rest] = fresh;
    if (!rest.length || this.join(first!, rest)) this.groups.push(first!);
    else this.groups.push(...fresh);
  }

  /** Moves the groups' rows into `into` when their states merge with its state. */
  private join(into: Group<S>, groups: Group<S>[]): boolean {
    const merged = this.model.merge(into.state, ...groups.map((g) => g.state));
    if (merged === null) return false;
    into.state = merged;
    for (const g of groups) {
      into.members.push(...g.members);
      into.tokens.push(...g.tokens);
    }
    return true;
  }

  /** Rebuilds `old`'s decoder cache from the first step and merges `fresh` into it (see maxReplaySteps). */
  private async replayInto(old: Group<S>, fresh: Group<S>[]): Promise<boolean> {
    let out;
    try {
      out = await this.model.restart!(old.state);
    } catch {
      return false;
    }
    const merged = this.model.merge(out.state, ...fresh.map((g) => g.state));
    if (merged === null) return false;
    for (const m of old.members) m.replay = [...m.row.tokens];
    old.state = merged;
    old.tokens = old.members.map((m) => m.replay.shift()!);
    for (const g of fresh) {
      old.members.push(...g.members);
      old.tokens.push(...g.tokens);
    }
    return true;
  }

  private async advance(group: Group<S>): Promise<void> {
    try {
      const out = await this.model.step(group.state, group.tokens);
      const still = this.consume({ ...group, state: out.state }, out.logits, out.vocabSize);
      if (still) Object.assign(group, still);
      else this.groups = this.groups.filter((g) => g !== group);
    } catch (err) {
      for (const m of group.members) m.reject(err);
      this.groups = this.groups.filter((g) => g !== group);
    }
  }

  /** Gives each row its logits; resolves finished rows and returns the group without them. */
  private consume(group: Group<S>, logits: Float32Array, vocabSize: number): Group<S> | null {
    const keep: number[] = [];
    const tokens: number[] = [];
    group.members.forEach((m, i) => {
      const token = m.replay.length ? m.replay.shift()! : m.row.next(logits.subarray(i * vocabSize, (i + 1) * vocabSize));
      if (token === null) m.resolve(m.row.result());
      else {
        keep.push(i);
        tokens.push(token);
      }
    });
    if (!keep.length) return null;
    const all = keep.length === group.members.length;
    return {
      members: all ? group.members : keep.map((i) => group.members[i]!),
      state: all ? group.state : this.model.select(group.state, keep),
      tokens,
    };
  }
}
