import { describeSettings, parseOverrides, samplingOnlyNote, SETTING_FIELDS, settingKeyOf, type Settings } from '@parley/settings';
import { BotError } from './bot-error.js';
import type { AuditEntry, ChannelScope, SettingsStore } from './settings-store.js';

/** What `/genconfig` does on every platform; who may change settings is each platform's own rule. */
export const SETTINGS_VERBS = ['show', 'set', 'preset', 'reset'] as const;
export type SettingsVerb = (typeof SETTINGS_VERBS)[number];

export function isSettingsVerb(word: string): word is SettingsVerb {
  return (SETTINGS_VERBS as readonly string[]).includes(word);
}

/**
 * Applies a settings change to a channel, audited to `actor`: `set` takes `key=value` pairs (and
 * the `sample`/`greedy` words), `preset` a preset's name, `reset` clears the channel's own
 * settings; `show` changes nothing. A bad value throws the settings contract's coded error.
 * Returns the audit entries.
 */
export async function changeSettings(store: SettingsStore, scope: ChannelScope, change: { verb: SettingsVerb; args: string; actor: string }): Promise<AuditEntry[]> {
  switch (change.verb) {
    case 'show':
      return [];
    case 'reset':
      return store.reset(scope, change.actor);
    case 'preset':
      return store.applyPreset(scope, change.args.trim(), change.actor);
    case 'set': {
      const { overrides, rest } = parseOverrides(change.args);
      if (rest.trim() !== '') {
        throw new BotError('BAD_SETTING', `I didn't understand "${rest.trim().slice(0, 40)}"; use key=value pairs, e.g. temperature=0.7 top_p=0.9.`);
      }
      return store.set(scope, overrides, change.actor);
    }
  }
}

function shownValue(value: AuditEntry['old']): string {
  return value === null ? 'unset' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function shownField(field: string): string {
  const key = settingKeyOf(field);
  return key ? SETTING_FIELDS[key].name : field;
}

/** "Saved: temperature unset → 0.7, top_k 40 → 50.", or that nothing changed. */
export function describeChange(entries: readonly AuditEntry[]): string {
  if (!entries.length) return 'Nothing changed.';
  return `Saved: ${entries.map((e) => `${shownField(e.field)} ${shownValue(e.old)} → ${shownValue(e.new)}`).join(', ')}.`;
}

/** The word on sampling-only values a change saved while the channel decodes greedily, or ''. */
export function samplingNote(entries: readonly AuditEntry[], effective: Settings): string {
  return samplingOnlyNote(
    entries.filter((e) => e.new !== null).map((e) => e.field),
    effective,
  );
}

/**
 * The whole answer to a change, the same on every platform: what changed, the settings a request
 * here now runs with, and a word when a sampling-only value was saved under greedy decoding (kept,
 * but it changes nothing until `sample`).
 */
export function describeSaved(entries: readonly AuditEntry[], effective: Settings): string {
  const note = samplingNote(entries, effective);
  return `${describeChange(entries)} Settings here now: ${describeSettings(effective)}.${note ? ` ${note}` : ''}`;
}

/** A channel's effective settings and its last change, for `/genconfig show`. */
export async function currentSettings(store: SettingsStore, scope: ChannelScope): Promise<{ settings: Readonly<Settings>; summary: string; last: AuditEntry | undefined }> {
  const [{ settings }, [last]] = await Promise.all([store.effective(scope), store.audit(scope, 1)]);
  return { settings, summary: describeSettings(settings), last };
}

/** "Settings here: …. Last changed by <@who> at …": Slack and Discord both write mentions as `<@id>`. */
export function settingsHereLine(current: { summary: string; last: AuditEntry | undefined }): string {
  const changed = current.last ? ` Last changed by <@${current.last.actor}> at ${current.last.at}.` : ' Nothing set for this channel yet.';
  return `Settings here: ${current.summary}.${changed}`;
}
