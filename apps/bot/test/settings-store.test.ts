import { PRESETS, SettingsError } from '@parley/settings';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../../../test/helpers/redis.js';
import { auditKey, channelIndexKey, settingsKey, SettingsStore, type AuditEntry, type CorruptValue } from '../src/core/settings-store.js';
import { BotError } from '../src/core/bot-error.js';

describe('SettingsStore (real Redis)', () => {
  const prefix = uniquePrefix('settings');
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  let raw: Redis;
  let store: SettingsStore;
  const corrupt: CorruptValue[] = [];
  let workspaceNo = 0;
  /** Each test gets its own workspace, so tests never see each other's keys. */
  const freshWorkspace = () => {
    const workspace = `T${++workspaceNo}`;
    return { ws: { platform: 'slack' as const, workspace }, ch: { platform: 'slack' as const, workspace, channel: 'C1' } };
  };

  beforeAll(() => {
    raw = connect();
    store = new SettingsStore(connect(), prefix, { onCorrupt: (c) => corrupt.push(c) });
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await dropPrefix(prefix);
  });

  it('sets, reads back, changes and clears fields under the queue prefix, auditing old → new', async () => {
    const { ch } = freshWorkspace();
    expect(await store.get(ch)).toEqual({ settings: {}, corrupted: [] });
    const first = await store.set(ch, { temperature: 0.5, maxNewTokens: 200 }, 'U1');
    expect(first.map((e) => [e.field, e.old, e.new])).toEqual([
      ['temperature', null, 0.5],
      ['maxNewTokens', null, 200],
    ]);
    expect((await store.get(ch)).settings).toEqual({ temperature: 0.5, maxNewTokens: 200 });
    expect(await raw.hgetall(`${prefix}:settings:slack:${ch.workspace}:C1`)).toEqual({ temperature: '0.5', maxNewTokens: '200' });

    expect(await store.set(ch, { temperature: 0.5 }, 'U2')).toEqual([]); // unchanged: nothing audited
    await store.set(ch, { temperature: 0.9, maxNewTokens: null }, 'U2');
    expect((await store.get(ch)).settings).toEqual({ temperature: 0.9 });

    const audit = await store.audit(ch, 10);
    expect(audit.map((e) => [e.actor, e.field, e.old, e.new, e.via])).toEqual([
      ['U2', 'maxNewTokens', 200, null, 'set'],
      ['U2', 'temperature', 0.5, 0.9, 'set'],
      ['U1', 'maxNewTokens', null, 200, 'set'],
      ['U1', 'temperature', null, 0.5, 'set'],
    ]);
    expect(new Date(audit[0]!.at).toISOString()).toBe(audit[0]!.at);
    expect(await store.audit(ch, 1)).toHaveLength(1);
  });

  it('keeps workspace and channel scopes apart', async () => {
    const { ws, ch } = freshWorkspace();
    await store.set(ws, { shots: 1 }, 'U1');
    await store.set(ch, { shots: 2 }, 'U1');
    expect((await store.get(ws)).settings).toEqual({ shots: 1 });
    expect((await store.get(ch)).settings).toEqual({ shots: 2 });
    expect(await raw.exists(settingsKey(prefix, ws), settingsKey(prefix, ch), auditKey(prefix, ws), auditKey(prefix, ch))).toBe(4);
    expect(settingsKey(prefix, ws)).toBe(`${prefix}:settings:slack:${ws.workspace}`);
  });

  it('refuses a bad value with a SettingsError and writes nothing', async () => {
    const { ch } = freshWorkspace();
    await expect(store.set(ch, { topP: 1.5 }, 'U1')).rejects.toThrow(SettingsError);
    await expect(store.set(ch, { topP: 1.5 }, 'U1')).rejects.toMatchObject({ userMessage: 'top_p must be a number above 0 and at most 1 (got 1.5)' });
    await expect(store.set(ch, { tempreature: 1 } as never, 'U1')).rejects.toMatchObject({ code: 'UNKNOWN_SETTING' });
    await expect(store.applyPreset(ch, 'wild', 'U1')).rejects.toMatchObject({ code: 'UNKNOWN_PRESET' });
    expect(await raw.exists(settingsKey(prefix, ch), auditKey(prefix, ch))).toBe(0);
  });

  it('applies a preset over existing fields and resets everything, both audited', async () => {
    const { ch } = freshWorkspace();
    await store.set(ch, { temperature: 0.2, seed: 7 }, 'U1');
    const preset = await store.applyPreset(ch, 'Creative', 'U2');
    expect(preset.every((e) => e.via === 'preset:creative')).toBe(true);
    expect(preset.find((e) => e.field === 'temperature')).toMatchObject({ old: 0.2, new: 1.1 });
    expect((await store.get(ch)).settings).toEqual({ ...PRESETS.creative, seed: 7 });

    const reset = await store.reset(ch, 'U3');
    expect(reset.map((e) => [e.field, e.new, e.via]).sort()).toEqual(
      ['doSample', 'seed', 'temperature', 'topK', 'topP'].map((f) => [f, null, 'reset']),
    );
    expect(await store.get(ch)).toEqual({ settings: {}, corrupted: [] });
    expect(await store.reset(ch, 'U3')).toEqual([]);
  });

  it('indexes the channels that have settings of their own, newest change first, bounded, and drops a channel once it has none', async () => {
    const { ws } = freshWorkspace();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const timed = new SettingsStore(connect(), prefix, { now: () => new Date((clock += 1000)) });
    const channel = (id: string) => ({ ...ws, channel: id });
    await timed.set(ws, { shots: 1 }, 'U1'); // the workspace default is not a channel
    for (const id of ['C1', 'C2', 'C3', 'C4']) await timed.set(channel(id), { seed: 1 }, 'U1');
    await timed.set(channel('C2'), { seed: 2 }, 'U1');
    expect(await timed.configuredChannels(ws, 3)).toEqual({ channels: ['C2', 'C4', 'C3'], total: 4 });

    await timed.set(channel('C2'), { seed: 2 }, 'U1'); // no change: not moved up
    await timed.set(channel('C3'), { seed: null }, 'U1'); // its last field cleared
    await timed.applyPreset(channel('C4'), 'precise', 'U1');
    const presetAt = clock;
    await timed.reset(channel('C1'), 'U1');
    expect(await timed.configuredChannels(ws)).toEqual({ channels: ['C4', 'C2'], total: 2 });
    expect(await raw.zscore(channelIndexKey(prefix, ws), 'C4')).toBe(String(presetAt));
    const other = freshWorkspace();
    expect(await timed.configuredChannels(other.ws)).toEqual({ channels: [], total: 0 });
  });

  it('reports corrupted stored values instead of crashing, lets the layer below show through, and resets them', async () => {
    const { ws, ch } = freshWorkspace();
    await store.set(ws, { temperature: 0.4, topP: 0.8 }, 'U1');
    await raw.hset(settingsKey(prefix, ch), { temperature: '"hot"', topP: '{not json', colour: '"blue"', shots: '3' });
    await raw.lpush(auditKey(prefix, ch), 'garbage');
    corrupt.length = 0;

    const got = await store.get(ch);
    expect(got.settings).toEqual({ shots: 3 });
    expect(got.corrupted.map((c) => [c.field, c.problem]).sort()).toEqual([
      ['colour', 'not a setting'],
      ['temperature', 'temperature must be a number above 0 and at most 100 (got hot)'],
      ['topP', 'not JSON'],
    ]);
    expect(corrupt).toHaveLength(3);

    const effective = await store.effective(ch, { model: { maxNewTokens: 64 } });
    expect(effective.settings).toEqual({ temperature: 0.4, topP: 0.8, shots: 3, maxNewTokens: 64 });
    expect(effective.corrupted).toHaveLength(3);

    const fixed = await store.set(ch, { topP: 0.5 }, 'U2');
    expect(fixed).toMatchObject([{ field: 'topP', old: '{not json', new: 0.5 }]);
    expect(await store.audit(ch)).toHaveLength(1); // the garbage line is left out…
    expect(corrupt.at(-1)).toMatchObject({ raw: 'garbage', problem: 'not JSON' }); // …and reported

    const reset = await store.reset(ch, 'U3');
    expect(reset.find((e) => e.field === 'temperature')).toMatchObject({ old: 'hot', new: null });
    expect(reset.find((e) => e.field === 'colour')).toMatchObject({ old: 'blue', new: null });
    expect(await store.get(ch)).toEqual({ settings: {}, corrupted: [] });
  });

  it('layers model ← workspace ← channel ← command', async () => {
    const { ws, ch } = freshWorkspace();
    const model = { maxNewTokens: 128, temperature: 1, topK: 50, shots: 0 };
    await store.set(ws, { maxNewTokens: 256, temperature: 0.9, shots: 1 }, 'U1');
    await store.set(ch, { temperature: 0.8, shots: 2 }, 'U1');
    const { settings } = await store.effective(ch, { model, command: { temperature: 0.3 } });
    expect(settings).toEqual({ maxNewTokens: 256, temperature: 0.3, topK: 50, shots: 2 });
    expect((await store.effective(ch, { model })).settings.temperature).toBe(0.8);
    expect((await store.effective({ ...ch, channel: 'C2' }, { model })).settings.temperature).toBe(0.9);
  });

  it('caps the audit list', async () => {
    const { ch } = freshWorkspace();
    const small = new SettingsStore(connect(), prefix, { auditLimit: 5 });
    for (let seed = 1; seed <= 8; seed++) await small.set(ch, { seed }, 'U1');
    expect(await raw.llen(auditKey(prefix, ch))).toBe(5);
    expect((await small.audit(ch, 100)).map((e) => e.new)).toEqual([8, 7, 6, 5, 4]);
  });

  /** Oldest first, each entry's old value must be the previous entry's new value. */
  function expectUnbrokenChain(entries: AuditEntry[]): void {
    const oldestFirst = [...entries].reverse();
    oldestFirst.forEach((entry, i) => expect(entry.old).toBe(i === 0 ? null : oldestFirst[i - 1]!.new));
  }

  it('audits every one of many concurrent sets from two clients, with an exact old → new chain', async () => {
    const { ch } = freshWorkspace();
    const a = new SettingsStore(connect(), prefix);
    const b = new SettingsStore(connect(), prefix);
    const writes = Array.from({ length: 25 }, (_, i) => [a.set(ch, { seed: 1000 + i }, 'UA'), b.set(ch, { seed: 2000 + i }, 'UB')]).flat();
    await Promise.all(writes);
    const audit = await a.audit(ch, 200);
    expect(audit).toHaveLength(50);
    expect(audit.filter((e) => e.actor === 'UA')).toHaveLength(25);
    expect(audit.filter((e) => e.actor === 'UB')).toHaveLength(25);
    expectUnbrokenChain(audit);
    expect((await a.get(ch)).settings.seed).toBe(audit[0]!.new);
  });

  it('serializes concurrent writes through one store too', async () => {
    const { ch } = freshWorkspace();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(ch, { topK: i + 1 }, `U${i}`)));
    const audit = await store.audit(ch, 200);
    expect(audit).toHaveLength(20);
    expectUnbrokenChain(audit);
  });

  it('turns an unreachable Redis into a user-facing error', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    down.on('error', () => {});
    const offline = new SettingsStore(down, prefix);
    const { ch } = freshWorkspace();
    await expect(offline.get(ch)).rejects.toMatchObject({ code: 'SETTINGS_UNAVAILABLE' });
    await expect(offline.set(ch, { seed: 1 }, 'U1')).rejects.toBeInstanceOf(BotError);
    down.disconnect();
  });
});
