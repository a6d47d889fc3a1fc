import { PLATFORMS } from '@parley/jobs';
import {
  layerSettings,
  parseChanges,
  parseSetting,
  PRESETS,
  presetNamed,
  SETTING_KEYS,
  type PresetName,
  type SettingKey,
  type Settings,
  type SettingsChanges,
} from '@parley/settings';
import type { Redis } from 'ioredis';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { isCodedError } from '@parley/errors';
import { BotError } from './bot-error.js';

// Ids become parts of Redis keys, so ":" and spaces are refused.
const idSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'an id of letters, digits, "_", "." or "-"');

/** A workspace (or guild) default when `channel` is absent, else one channel's settings. */
export const settingsScopeSchema = z.object({ platform: z.enum(PLATFORMS), workspace: idSchema, channel: idSchema.optional() });
export type SettingsScope = z.infer<typeof settingsScopeSchema>;
export type ChannelScope = SettingsScope & { channel: string };

const actorSchema = z.string().min(1).max(100);
const auditValueSchema = z.union([z.boolean(), z.number(), z.string()]).nullable();
export type AuditValue = z.infer<typeof auditValueSchema>;

export const auditEntrySchema = z.object({
  at: z.iso.datetime(),
  /** The user id of whoever made the change. */
  actor: actorSchema,
  /** The Settings key (camelCase), or the raw field name of a corrupted one a reset removed. */
  field: z.string(),
  /** null: unset. A corrupted stored value is recorded as its raw text. */
  old: auditValueSchema,
  new: auditValueSchema,
  /** What made the change: "set", "reset" or "preset:<name>". */
  via: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** A stored value that failed validation: left out of the settings, and reported. */
export interface CorruptValue {
  key: string;
  field?: string;
  raw: string;
  problem: string;
}

export interface StoredSettings {
  settings: Settings;
  corrupted: CorruptValue[];
}

export interface SettingsStoreOptions {
  /** Audit entries kept per scope, newest first. */
  auditLimit?: number;
  /** Called for every corrupted value read (e.g. to log it). */
  onCorrupt?: (corrupt: CorruptValue) => void;
  /** Tries before a write contended by other writers gives up. */
  maxAttempts?: number;
  now?: () => Date;
}

export function settingsKey(prefix: string, scope: SettingsScope): string {
  return `${prefix}:settings:${scope.platform}:${scope.workspace}${scope.channel === undefined ? '' : `:${scope.channel}`}`;
}

export function auditKey(prefix: string, scope: SettingsScope): string {
  return `${prefix}:settings-audit:${scope.platform}:${scope.workspace}${scope.channel === undefined ? '' : `:${scope.channel}`}`;
}

/** The channels of one workspace that have settings of their own, scored by their last change (ms). */
export function channelIndexKey(prefix: string, scope: SettingsScope): string {
  return `${prefix}:settings-channels:${scope.platform}:${scope.workspace}`;
}

/** What a raw stored value says, for the audit: the value, or the raw text when it is not JSON. */
function auditValue(raw: string | undefined): AuditValue {
  if (raw === undefined) return null;
  try {
    const parsed = auditValueSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : raw;
  } catch {
    return raw;
  }
}

function unavailable(err: unknown): Error {
  if (isCodedError(err) && err instanceof Error) return err;
  return new BotError('SETTINGS_UNAVAILABLE', "Parley can't reach its settings right now. Please try again in a minute.", { permanent: false, cause: err });
}

/**
 * Generation settings per workspace and per channel, in Redis: one hash per scope (field: the
 * Settings key, value: JSON), validated on write and on read, a capped audit list per scope, and
 * per workspace a sorted set of the channels that have settings of their own (for the App Home).
 *
 * Writes WATCH the hash, read the old values, and write the change and its audit entries in one
 * MULTI, retrying when another writer got in between, so the audit's old → new chain is exact even
 * with concurrent writers. WATCH belongs to a connection, and any EXEC on it drops the WATCH: give
 * the store a connection that no other code uses for MULTI. Its own writes are serialized for the
 * same reason.
 */
export class SettingsStore {
  private readonly auditLimit: number;
  private readonly maxAttempts: number;
  private readonly now: () => Date;
  private readonly onCorrupt: (corrupt: CorruptValue) => void;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: SettingsStoreOptions = {},
  ) {
    this.auditLimit = options.auditLimit ?? 200;
    this.maxAttempts = options.maxAttempts ?? 20;
    this.now = options.now ?? (() => new Date());
    this.onCorrupt = options.onCorrupt ?? (() => {});
  }

  /** The settings stored for one scope; corrupted values are left out and reported. */
  async get(scope: SettingsScope): Promise<StoredSettings> {
    const key = settingsKey(this.prefix, settingsScopeSchema.parse(scope));
    let raw: Record<string, string>;
    try {
      raw = await this.redis.hgetall(key);
    } catch (err) {
      throw unavailable(err);
    }
    return this.decode(key, raw);
  }

  /**
   * Applies `changes` (a value sets a field, null clears it) and audits each field that changed.
   * A bad value throws a SettingsError before anything is written. Returns the audit entries.
   */
  async set(scope: SettingsScope, changes: SettingsChanges, actor: string, via = 'set'): Promise<AuditEntry[]> {
    const valid = parseChanges(changes);
    const planned = new Map<string, string | null>();
    for (const k of SETTING_KEYS) {
      const value = valid[k];
      if (value !== undefined) planned.set(k, value === null ? null : JSON.stringify(value));
    }
    return await this.write(scope, actor, via, () => planned);
  }

  /** Clears every setting of the scope, corrupted ones included, so the layer below shows through. */
  async reset(scope: SettingsScope, actor: string): Promise<AuditEntry[]> {
    return await this.write(scope, actor, 'reset', (stored) => new Map(Object.keys(stored).map((field) => [field, null])));
  }

  /** Sets a preset's fields (any case; an unknown name throws a SettingsError); other fields stay. */
  async applyPreset(scope: SettingsScope, preset: PresetName | string, actor: string): Promise<AuditEntry[]> {
    const name = presetNamed(preset);
    return await this.set(scope, PRESETS[name], actor, `preset:${name}`);
  }

  /** The scope's audit entries, newest first; corrupted entries are left out and reported. */
  async audit(scope: SettingsScope, limit = 20): Promise<AuditEntry[]> {
    const key = auditKey(this.prefix, settingsScopeSchema.parse(scope));
    let lines: string[];
    try {
      lines = await this.redis.lrange(key, 0, Math.max(0, Math.min(limit, this.auditLimit)) - 1);
    } catch (err) {
      throw unavailable(err);
    }
    const entries: AuditEntry[] = [];
    for (const line of lines) {
      let parsed: ReturnType<typeof auditEntrySchema.safeParse> | undefined;
      try {
        parsed = auditEntrySchema.safeParse(JSON.parse(line));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success) entries.push(parsed.data);
      else this.onCorrupt({ key, raw: line, problem: parsed ? (parsed.error.issues[0]?.message ?? 'invalid') : 'not JSON' });
    }
    return entries;
  }

  /**
   * The channels of a workspace that have settings of their own, most recently changed first, at
   * most `limit` of them, and how many there are in all.
   */
  async configuredChannels(scope: SettingsScope, limit = 20): Promise<{ channels: string[]; total: number }> {
    const key = channelIndexKey(this.prefix, settingsScopeSchema.parse(scope));
    try {
      const [channels, total] = await Promise.all([limit > 0 ? this.redis.zrevrange(key, 0, limit - 1) : [], this.redis.zcard(key)]);
      return { channels, total };
    } catch (err) {
      throw unavailable(err);
    }
  }

  /**
   * The settings one request runs with: the model's defaults ← the workspace default ← the
   * channel ← the command's overrides. The two stored layers are read in one pipeline (not a
   * MULTI, whose EXEC would drop the WATCH of a write in flight on this connection).
   */
  async effective(scope: ChannelScope, layers: { command?: Settings; model?: Settings } = {}): Promise<{ settings: Readonly<Settings>; corrupted: CorruptValue[] }> {
    const channelScope = settingsScopeSchema.parse(scope);
    const workspaceKey = settingsKey(this.prefix, { platform: channelScope.platform, workspace: channelScope.workspace });
    const channelKey = settingsKey(this.prefix, channelScope);
    let results: [Error | null, unknown][] | null;
    try {
      results = await this.redis.pipeline().hgetall(workspaceKey).hgetall(channelKey).exec();
    } catch (err) {
      throw unavailable(err);
    }
    const failed = results?.find(([err]) => err !== null);
    if (!results || failed) throw unavailable(failed?.[0] ?? new Error('pipeline returned nothing'));
    const workspace = this.decode(workspaceKey, results[0]![1] as Record<string, string>);
    const channel = this.decode(channelKey, results[1]![1] as Record<string, string>);
    return {
      settings: layerSettings({ model: layers.model, workspace: workspace.settings, channel: channel.settings, command: layers.command }),
      corrupted: [...workspace.corrupted, ...channel.corrupted],
    };
  }

  private decode(key: string, raw: Record<string, string>): StoredSettings {
    const settings: Record<string, unknown> = {};
    const corrupted: CorruptValue[] = [];
    for (const [field, text] of Object.entries(raw)) {
      const problem = this.problemWith(field, text, settings);
      if (problem) {
        const corrupt = { key, field, raw: text, problem };
        corrupted.push(corrupt);
        this.onCorrupt(corrupt);
      }
    }
    return { settings: settings as Settings, corrupted };
  }

  /** Validates one stored field into `into`; returns what is wrong with it, if anything. */
  private problemWith(field: string, text: string, into: Record<string, unknown>): string | undefined {
    if (!(SETTING_KEYS as readonly string[]).includes(field)) return 'not a setting';
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return 'not JSON';
    }
    try {
      into[field] = parseSetting(field as SettingKey, value);
      return undefined;
    } catch (err) {
      return isCodedError(err) ? err.userMessage : String(err);
    }
  }

  /** One audited write, serialized with this store's other writes. */
  private async write(scope: SettingsScope, actor: string, via: string, plan: (stored: Record<string, string>) => Map<string, string | null>): Promise<AuditEntry[]> {
    const validScope = settingsScopeSchema.parse(scope);
    const validActor = actorSchema.parse(actor);
    const run = this.writes.then(() => this.transact(validScope, validActor, via, plan));
    this.writes = run.catch(() => {});
    return await run;
  }

  private async transact(scope: SettingsScope, actor: string, via: string, plan: (stored: Record<string, string>) => Map<string, string | null>): Promise<AuditEntry[]> {
    const key = settingsKey(this.prefix, scope);
    const log = auditKey(this.prefix, scope);
    try {
      for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
        await this.redis.watch(key);
        const stored = await this.redis.hgetall(key);
        const at = this.now().toISOString();
        const changed = [...plan(stored)].filter(([field, next]) => (stored[field] ?? null) !== next);
        if (changed.length === 0) {
          await this.redis.unwatch();
          return [];
        }
        const entries: AuditEntry[] = [];
        const tx = this.redis.multi();
        for (const [field, next] of changed) {
          if (next === null) tx.hdel(key, field);
          else tx.hset(key, field, next);
          entries.push({ at, actor, field, old: auditValue(stored[field]), new: auditValue(next ?? undefined), via });
        }
        if (scope.channel !== undefined) {
          const remaining = new Set(Object.keys(stored));
          for (const [field, next] of changed) {
            if (next === null) remaining.delete(field);
            else remaining.add(field);
          }
          const index = channelIndexKey(this.prefix, scope);
          if (remaining.size === 0) tx.zrem(index, scope.channel);
          else tx.zadd(index, Date.parse(at), scope.channel);
        }
        // LPUSH puts its last argument first, so the newest entry ends up at the head.
        tx.lpush(log, ...entries.map((e) => JSON.stringify(e)));
        tx.ltrim(log, 0, this.auditLimit - 1);
        const results = await tx.exec();
        if (results === null) {
          // Another writer changed the hash since WATCH: back off a random while (so two busy
          // writers stop colliding in lockstep) and read again.
          await delay(Math.random() * Math.min(100, 2 ** attempt));
          continue;
        }
        const failed = results.find(([err]) => err !== null);
        if (failed) throw failed[0];
        return entries;
      }
    } catch (err) {
      await this.redis.unwatch().catch(() => {});
      throw unavailable(err);
    }
    throw new BotError('SETTINGS_BUSY', 'Settings are being changed by someone else right now. Please try again.', { permanent: false });
  }
}
