import type { FeedbackVote } from '@parley/jobs';
import { ButtonStyle, ComponentType, MessageFlags } from 'discord.js';
import { splitMessage } from './split-message.js';

/** Discord's limits for one Components V2 message: components (nested ones count) and text across its text displays. */
export const V2_LIMITS = { components: 40, textChars: 4000 } as const;

/** A message body in Components V2: no `content`, no embeds, everything in components. */
export interface V2Message {
  flags: number;
  components: Record<string, unknown>[];
}

const VOTE_ID = /^parley:vote:(up|down):([A-Za-z0-9_-]{1,80})$/;

/** The custom_id of a feedback button (at most 100 characters, as Discord requires). */
export function voteCustomId(vote: FeedbackVote, requestId: string): string {
  return `parley:vote:${vote}:${requestId}`;
}

/** The vote and the request a feedback button's custom_id names; undefined for any other custom_id. */
export function parseVoteCustomId(customId: string): { vote: FeedbackVote; requestId: string } | undefined {
  const m = VOTE_ID.exec(customId);
  return m ? { vote: m[1] as FeedbackVote, requestId: m[2]! } : undefined;
}

const text = (content: string) => ({ type: ComponentType.TextDisplay, content });

function voteRow(requestId: string): Record<string, unknown> {
  const button = (vote: FeedbackVote, emoji: string) => ({ type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: voteCustomId(vote, requestId), emoji: { name: emoji } });
  return { type: ComponentType.ActionRow, components: [button('up', '👍'), button('down', '👎')] };
}

/** Shortens `part` to `room` characters at a word, keeping a code block it cuts closed. */
function shorten(part: string, room: number): string {
  let cut = part.slice(0, room);
  const space = cut.lastIndexOf(' ');
  if (space > room / 2) cut = cut.slice(0, space);
  if ((cut.match(/```/g) ?? []).length % 2 === 1) cut = `${cut.slice(0, room - 4)}\n\`\`\``;
  return cut.trimEnd();
}

export interface AnswerOptions {
  /** Where Discord allows only so many messages for the answer (a user install's 5 follow-ups and the reply). */
  maxMessages?: number;
}

/** The note that ends an answer cut to fit the messages Discord allows. */
export const CUT_NOTE = '-# ✂️ Cut short: Discord lets Parley send only a few messages here.';

/**
 * An answer as Components V2 messages: each a Container of Text Displays, at most 4,000
 * characters of text apiece; the last one also carries the footer and the 👍/👎 buttons. An
 * answer longer than `maxMessages` allows is cut at the end with a visible note.
 */
export function answerMessages(body: string, footer: string, requestId: string, opts: AnswerOptions = {}): V2Message[] {
  // The footer's room is kept in every part, so any part can be the last.
  const room = V2_LIMITS.textChars - footer.length;
  let parts = splitMessage(body, room);
  if (opts.maxMessages !== undefined && parts.length > opts.maxMessages) {
    parts = parts.slice(0, opts.maxMessages);
    parts[parts.length - 1] = `${shorten(parts.at(-1)!, room - CUT_NOTE.length - 2)}\n\n${CUT_NOTE}`;
  }
  return parts.map((part, i) => {
    const last = i === parts.length - 1;
    const container = { type: ComponentType.Container, components: last ? [text(part), text(footer)] : [text(part)] };
    return { flags: MessageFlags.IsComponentsV2, components: last ? [container, voteRow(requestId)] : [container] };
  });
}
