import type { ReplyOutcome } from '@parley/jobs';
import { describeSettings } from '@parley/settings';

/**
 * Slack parses `<…>` as links and mentions (`<!channel>`, `<@U…>`), so model text is escaped:
 * nothing the model writes can ping anyone.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const TYPE_TITLES: Record<string, string> = { PERSON: 'People', ORG: 'Organisations', PLACE: 'Places', DATE: 'Dates', AMOUNT: 'Amounts', MISC: 'Other' };

/** The body of a successful reply, shaped by what the task returned. */
function body(outcome: Extract<ReplyOutcome, { ok: true }>): string {
  const d = outcome.details;
  if (d?.kind === 'entities') {
    if (!d.groups.length) return '_No people, organisations, places, dates or amounts found._';
    return d.groups
      .map((g) => `*${TYPE_TITLES[g.type] ?? escapeSlackText(g.type)}*: ${g.items.map((i) => `${escapeSlackText(i.text)}${i.count > 1 ? ` (${i.count})` : ''}`).join(', ')}`)
      .join('\n');
  }
  if (d?.kind === 'summary' && d.sections.some((s) => s.title !== 'Summary')) {
    return d.sections
      .filter((s) => s.points.length)
      .map((s) => `*${escapeSlackText(s.title)}*\n${s.points.map((p) => `• ${escapeSlackText(p.text)}${p.owner ? ` (${escapeSlackText(p.owner)})` : ''}`).join('\n')}`)
      .join('\n\n');
  }
  return outcome.text.trim() === '' ? '_(the model returned no text)_' : escapeSlackText(outcome.text);
}

/** The reply's text: the result, then a footer naming the task, model and settings used. */
export function formatReply(outcome: ReplyOutcome, requestId: string): string {
  if (!outcome.ok) return `:warning: ${outcome.userMessage} (ref \`${requestId}\`)`;
  const model = outcome.model.isRandomTestModel ? `${outcome.model.name} (random test model, output is noise)` : outcome.model.name;
  const footer = [
    outcome.details?.kind === 'translation' ? `translated to ${outcome.details.language.name}` : outcome.task,
    outcome.messagesCovered < outcome.messagesInThread
      ? `last ${outcome.messagesCovered} of ${outcome.messagesInThread} messages (the rest did not fit the model)`
      : `${outcome.messagesCovered} message${outcome.messagesCovered === 1 ? '' : 's'}`,
    model,
    describeSettings(outcome.generation),
  ].join(' · ');
  return `${body(outcome)}\n\n_${escapeSlackText(footer)}_`;
}
