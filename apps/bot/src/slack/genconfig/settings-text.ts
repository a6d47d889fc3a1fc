import type { AuditEntry } from '../../core/settings-store.js';

/** "Last changed by @who <date>", in the reader's time zone through Slack's date formatting. */
export function lastChangeText(last: AuditEntry | undefined, none = 'No settings of its own yet: the workspace defaults apply.'): string {
  if (!last) return none;
  const unix = Math.floor(Date.parse(last.at) / 1000);
  return `Last changed by <@${last.actor}> <!date^${unix}^{date_short_pretty} at {time}|${last.at}>.`;
}
