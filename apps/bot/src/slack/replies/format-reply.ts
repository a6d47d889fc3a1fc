import type { ReplyOutcome } from '@parley/jobs';
import { footerText } from '../../core/reply-words.js';

/**
 * Slack parses `<…>` as links and mentions (`<!channel>`, `<@U…>`), so model text is escaped:
 * nothing the model writes can ping anyone. The entities are standard markdown too, so the same
 * escaping holds in `markdown` blocks and streamed `markdown_text`, where they show as `<`, `>`, `&`.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const TYPE_TITLES: Record<string, string> = { PERSON: 'People', ORG: 'Organisations', PLACE: 'Places', DATE: 'Dates', AMOUNT: 'Amounts', MISC: 'Other' };

/** Permalinks of cited source messages, by message id (ts). */
export type Permalinks = ReadonlyMap<string, string>;

/** Numbered markdown links to a point's source messages, numbered in order of first citation across the reply. */
function citer(links: Permalinks): (ids: readonly string[]) => string {
  const numbers = new Map<string, number>();
  return (ids) =>
    ids
      .filter((id) => links.has(id))
      .map((id) => {
        if (!numbers.has(id)) numbers.set(id, numbers.size + 1);
        return `[[${numbers.get(id)!}]](${links.get(id)!})`;
      })
      .join('');
}

/** The body of a successful reply as standard markdown (for a `markdown` block), shaped by what the task returned. */
export function replyBody(outcome: Extract<ReplyOutcome, { ok: true }>, links: Permalinks = new Map()): string {
  const d = outcome.details;
  if (d?.kind === 'entities') {
    if (!d.groups.length) return '_No people, organisations, places, dates or amounts found._';
    return d.groups
      .map((g) => `**${TYPE_TITLES[g.type] ?? escapeSlackText(g.type)}**: ${g.items.map((i) => `${escapeSlackText(i.text)}${i.count > 1 ? ` (${i.count})` : ''}`).join(', ')}`)
      .join('\n');
  }
  if (d?.kind === 'summary' && d.sections.some((s) => s.title !== 'Summary' || s.points.some((p) => p.messageIds.some((id) => links.has(id))))) {
    const cite = citer(links);
    return d.sections
      .filter((s) => s.points.length)
      .map((s) => {
        const points = s.points.map((p) => {
          const refs = cite(p.messageIds);
          return `- ${escapeSlackText(p.text)}${p.owner ? ` (${escapeSlackText(p.owner)})` : ''}${refs ? ` ${refs}` : ''}`;
        });
        return d.sections.length === 1 && s.title === 'Summary' ? points.join('\n') : `**${escapeSlackText(s.title)}**\n${points.join('\n')}`;
      })
      .join('\n\n');
  }
  return outcome.text.trim() === '' ? '_(the model returned no text)_' : escapeSlackText(outcome.text);
}

/** The footer naming the task, coverage, model and the settings used, already escaped, as mrkdwn for a context block. */
export function replyFooter(outcome: Extract<ReplyOutcome, { ok: true }>): string {
  return `_${escapeSlackText(footerText(outcome))}_`;
}

export function failureText(outcome: Extract<ReplyOutcome, { ok: false }>, requestId: string): string {
  return `:warning: ${outcome.userMessage} (ref \`${requestId}\`)`;
}

/** The reply as one string: the result (markdown), then the footer. */
export function formatReply(outcome: ReplyOutcome, requestId: string, links?: Permalinks): string {
  if (!outcome.ok) return failureText(outcome, requestId);
  return `${replyBody(outcome, links)}\n\n${replyFooter(outcome)}`;
}

const STREAM_CHARS = 3000;

/** A placeholder (mrkdwn, edited with chat.update) showing the text generated so far. */
export function streamingText(text: string): string {
  const shown = text.length > STREAM_CHARS ? `${text.slice(0, STREAM_CHARS)}…` : text;
  return `${escapeSlackText(shown)} :writing_hand:`;
}
