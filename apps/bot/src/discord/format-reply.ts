import type { DiscordTarget, ReplyOutcome } from '@parley/jobs';
import { footerText } from '../core/reply-words.js';

type Success = Extract<ReplyOutcome, { ok: true }>;

const TYPE_TITLES: Record<string, string> = { PERSON: 'People', ORG: 'Organisations', PLACE: 'Places', DATE: 'Dates', AMOUNT: 'Amounts', MISC: 'Other' };

/** Link targets for cited messages: Discord message links need no lookup (`@me` outside a server). */
function messageLink(target: DiscordTarget, messageId: string): string {
  return `https://discord.com/channels/${target.guildId ?? '@me'}/${target.channelId}/${messageId}`;
}

/** The body of a successful reply in Discord markdown, shaped by what the task returned. */
export function discordReplyBody(outcome: Success, target: DiscordTarget): string {
  const d = outcome.details;
  if (d?.kind === 'entities') {
    if (!d.groups.length) return '_No people, organisations, places, dates or amounts found._';
    return d.groups.map((g) => `**${TYPE_TITLES[g.type] ?? g.type}**: ${g.items.map((i) => `${i.text}${i.count > 1 ? ` (${i.count})` : ''}`).join(', ')}`).join('\n');
  }
  if (d?.kind === 'summary' && d.sections.some((s) => s.points.length)) {
    const numbers = new Map<string, number>();
    const cite = (ids: readonly string[]) =>
      ids
        .filter((id) => /^\d+$/.test(id))
        .map((id) => {
          if (!numbers.has(id)) numbers.set(id, numbers.size + 1);
          // Angle brackets keep Discord from embedding a preview of every cited message.
          return `[[${numbers.get(id)!}]](<${messageLink(target, id)}>)`;
        })
        .join('');
    return d.sections
      .filter((s) => s.points.length)
      .map((s) => {
        const points = s.points.map((p) => {
          const refs = cite(p.messageIds);
          return `- ${p.text}${p.owner ? ` (${p.owner})` : ''}${refs ? ` ${refs}` : ''}`;
        });
        return d.sections.length === 1 && s.title === 'Summary' ? points.join('\n') : `**${s.title}**\n${points.join('\n')}`;
      })
      .join('\n\n');
  }
  return outcome.text.trim() === '' ? '_(the model returned no text)_' : outcome.text;
}

/** One line of small text naming the task, coverage, model and settings. */
export function discordReplyFooter(outcome: Success): string {
  return `-# ${footerText(outcome)}`;
}

export function discordFailureText(userMessage: string, requestId: string): string {
  return `⚠️ ${userMessage} (ref \`${requestId}\`)`;
}

/** The whole reply as Discord markdown, before it is split into messages. */
export function formatDiscordReply(outcome: ReplyOutcome, requestId: string, target: DiscordTarget): string {
  if (!outcome.ok) return discordFailureText(outcome.userMessage, requestId);
  return `${discordReplyBody(outcome, target)}\n\n${discordReplyFooter(outcome)}`;
}

const STREAM_CHARS = 1900;

/** What a reply shows while the model is still writing. */
export function discordStreamingText(text: string): string {
  const shown = text.length > STREAM_CHARS ? `${text.slice(0, STREAM_CHARS)}…` : text;
  return `${shown} ✍️`;
}
