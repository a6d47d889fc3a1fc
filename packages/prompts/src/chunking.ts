import type { ThreadMessage } from './conversation.js';
import { packByCost, verifyGroups } from './group-packing.js';
import { halve, splitSentences, splitWords } from './text-splits.js';
import { budgetTooSmall, checkBudget, countTexts, type TokenCounter } from './token-counter.js';

export interface Chunk {
  /** 0-based position among the chunks. */
  index: number;
  /**
   * The chunk's messages in thread order. A message too long for one chunk is split into parts
   * that keep its id and carry `part`; the parts lie in consecutive chunks.
   */
  messages: ThreadMessage[];
}

export interface ChunkOptions {
  /** The most tokens one chunk's rendered text may have. */
  budget: number;
  count: TokenCounter;
  /** The text that will be sent for a chunk (template included), whose tokens are counted. */
  render: (messages: readonly ThreadMessage[]) => string;
  /** The share of the budget left free when packing by summed counts. Default 0.1. */
  margin?: number;
}

/**
 * Splits a thread into chunks on message boundaries, each rendering to at most `budget` tokens.
 *
 * Counting: one batch for the empty render and every message alone; messages are packed by
 * summed marginal counts (less a margin), then each chunk's render is counted in one more batch
 * and any chunk over budget is halved and counted again. A message that does not fit alone is
 * split on sentence boundaries, then whitespace, then graphemes.
 */
export async function chunkMessages(messages: readonly ThreadMessage[], options: ChunkOptions): Promise<Chunk[]> {
  const { budget, count, render, margin = 0.1 } = options;
  checkBudget(budget, margin);
  if (messages.length === 0) return [];
  const [base, ...alone] = await countTexts(count, [render([]), ...messages.map((m) => render([m]))]);
  if (base! >= budget) throw budgetTooSmall('the empty prompt');

  const oversize = messages.flatMap((message, i) => (alone[i]! > budget ? [{ message, tokens: alone[i]! }] : []));
  const parts = await splitMessages(oversize, { budget, count, render, margin });
  const items: { message: ThreadMessage; cost: number }[] = [];
  let next = 0;
  messages.forEach((message, i) => {
    if (alone[i]! <= budget) items.push({ message, cost: alone[i]! - base! });
    else items.push(...parts[next++]!.map((p) => ({ message: p.message, cost: p.tokens - base! })));
  });

  const limit = (budget - base!) * (1 - margin);
  const packed = packByCost(
    items.map((it) => it.cost),
    limit,
  ).map((group) => group.map((i) => items[i]!.message));
  const { groups } = await verifyGroups(packed, {
    budget,
    count,
    render,
    onSingle: () => {
      // Every item was measured alone and fits; only an inconsistent counter gets here.
      throw budgetTooSmall('a message measured to fit');
    },
  });
  return groups.map((group, index) => ({ index, messages: group }));
}

interface MeasuredPart {
  message: ThreadMessage;
  /** Tokens of the part's render alone. */
  tokens: number;
}

/**
 * Each message split into parts whose render alone fits the budget, the parts' texts
 * concatenating back to the message's text. All messages advance together, one batch per step.
 */
async function splitMessages(
  oversize: readonly MeasuredPart[],
  options: Required<ChunkOptions>,
): Promise<MeasuredPart[][]> {
  if (oversize.length === 0) return [];
  const { budget, count, render, margin } = options;
  const messages = oversize.map((o) => o.message);
  const pieces = messages.map((m) => splitSentences(m.text));
  const textTokens = await countTexts(count, messages.map((m) => m.text));
  // Room for a part's text: the budget less what the template and the message's header take.
  const room = oversize.map((o, i) => budget - (o.tokens - textTokens[i]!));
  if (room.some((r) => r < 1)) throw budgetTooSmall("a message's header");

  // Refine pieces too large for their message's room: sentences into words, then into halves.
  let costs = await countPieces(pieces, count);
  for (let level = 0; costs.some((list, m) => list.some((c) => c > room[m]!)); level++) {
    let changed = false;
    pieces.forEach((list, m) => {
      const refined: string[] = [];
      list.forEach((piece, p) => {
        if (costs[m]![p]! <= room[m]!) return refined.push(piece);
        const smaller = level === 0 ? splitWords(piece) : halve(piece);
        if (smaller.length > 1) changed = true;
        refined.push(...smaller);
      });
      pieces[m] = refined;
    });
    if (changed) costs = await countPieces(pieces, count);
    // Only single graphemes are left over: the verification below reports them.
    else if (level > 0) break;
  }

  // Parts are lists of pieces; a part's message is built from them with its numbering.
  let parts = pieces.map((list, m) =>
    packByCost(costs[m]!, room[m]! * (1 - margin)).map((group) => group.map((p) => list[p]!)),
  );
  const asMessages = (m: number) =>
    parts[m]!.map((part, index): ThreadMessage => ({
      ...messages[m]!,
      text: part.join(''),
      part: { index, count: parts[m]!.length },
    }));

  // Verify every part's real render; an over-budget part is split (which renumbers its siblings,
  // so the whole message is measured again) until all fit.
  for (;;) {
    const all = messages.map((_, m) => asMessages(m));
    const counts = await countTexts(
      count,
      all.flat().map((p) => render([p])),
    );
    let at = 0;
    const measured = all.map((list) => list.map((message) => ({ message, tokens: counts[at++]! })));
    if (measured.every((list) => list.every((p) => p.tokens <= budget))) return measured;
    parts = parts.map((list, m) =>
      list.flatMap((part, p) => {
        if (measured[m]![p]!.tokens <= budget) return [part];
        if (part.length >= 2) return [part.slice(0, Math.ceil(part.length / 2)), part.slice(Math.ceil(part.length / 2))];
        const halves = halve(part[0]!);
        if (halves.length < 2) throw budgetTooSmall('a single character');
        return halves.map((h) => [h]);
      }),
    );
  }
}

async function countPieces(pieces: readonly string[][], count: TokenCounter): Promise<number[][]> {
  const flat = await countTexts(count, pieces.flat());
  let at = 0;
  return pieces.map((list) => list.map(() => flat[at++]!));
}
