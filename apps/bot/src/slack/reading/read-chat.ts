import { PARLEY_AUTHOR, type ConversationMessage } from '@parley/jobs';
import type { WebClient } from '@slack/web-api';
import { fromSlackError } from './slack-api-error.js';
import { compareTs, isContent, toConversation, withDisplayNames, type Readers, type SlackMessage } from './slack-messages.js';
import type { UserNames } from './user-names.js';

/** A chat with Parley: an assistant thread or a DM thread (`threadTs`), or a DM's top level. */
export interface ChatRef {
  channelId: string;
  threadTs?: string;
  /** The message being answered: it is the question, so only what came before it is read. */
  currentTs: string;
  /** Its text: the one message read when nothing came before it. */
  currentText: string;
}

/** Pages read at most; a chat longer than this keeps its latest turns anyway. */
const MAX_PAGES = 10;

type Block = { type?: string; text?: string | { text?: string } };
type ChatMessage = SlackMessage & { blocks?: Block[]; metadata?: { event_type?: string } };

/** Parley's words that are not an answer: a waiting placeholder, streamed text, a refusal or queue notice. */
const NOT_AN_ANSWER = /^:(?:hourglass(?:_flowing_sand)?|warning|information_source):|:writing_hand:$/;
/** The footer under an answer, and the marker on a reply's later parts ("_continued (2 of 3)_"). */
const FOOTER = /^_[^\n]* · [^\n]*_$/;
const CONTINUED = /^_continued \(\d+ of \d+\)_$/;

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * What Parley said in an earlier answer, as the model should see it: the answer's own text from
 * its sections (or its markdown), without the footer, feedback buttons or "continued" marker;
 * undefined for Parley's messages that are not answers.
 */
export function answerText(m: ChatMessage): string | undefined {
  const text = (m.text ?? '').trim();
  if (NOT_AN_ANSWER.test(text)) return undefined;
  const fromBlocks = (m.blocks ?? [])
    .filter((b) => b.type === 'section' || b.type === 'markdown')
    .map((b) => (typeof b.text === 'string' ? b.text : (b.text?.text ?? '')))
    .filter((t) => t.trim() !== '');
  const paragraphs = fromBlocks.length ? fromBlocks : text.split(/\n{2,}/);
  const body = paragraphs
    .filter((p, i) => !(i === paragraphs.length - 1 && FOOTER.test(p.trim())) && !(i === 0 && CONTINUED.test(p.trim())))
    .join('\n\n')
    .trim();
  return body ? unescape(body) : undefined;
}

/** What Parley says it posted: the metadata on its answers, read with include_all_metadata. */
const REPLY_EVENT = 'parley_reply';

/** Parley's own message: by its user or bot id, or by the metadata on its replies. */
function isParleys(m: ChatMessage, me: Readers): boolean {
  return m.user === me.botUserId || m.bot_id === me.botId || m.metadata?.event_type === REPLY_EVENT;
}

/**
 * The earlier turns of a chat, oldest first: the user's messages and Parley's answers (which are
 * the conversation here, unlike in a thread Parley is asked about, so they are not marked as a
 * bot's; their author is the job contract's `PARLEY_AUTHOR`), up to `limit` of the latest. Other
 * bots, Slack's bookkeeping subtypes, empty messages and Parley's placeholders are left out. With nothing before it, the current message is the one
 * message read, so a first question has something to stand on.
 */
export async function readChatTurns(
  client: WebClient,
  chat: ChatRef,
  opts: Readers & { limit: number; names: UserNames; requesterId: string },
): Promise<ConversationMessage[]> {
  return turnsOf(await fetchChat(client, chat, { limit: opts.limit, before: chat.currentTs }), chat, opts);
}

/**
 * A question asked in a channel thread, read with one conversations.replies walk: when Parley
 * has already answered there it is a follow-up (`chat`), the thread's messages before the
 * question as turns with Parley's answers among them; otherwise the thread as any thread request
 * reads it (Parley's messages left out, the question itself too).
 */
export async function readThreadQuestion(
  client: WebClient,
  chat: ChatRef & { threadTs: string },
  opts: Readers & { limit: number; names: UserNames; requesterId: string },
): Promise<{ messages: ConversationMessage[]; chat: boolean }> {
  const raw = await fetchChat(client, chat, { limit: opts.limit });
  const before = raw.filter((m) => m.ts && compareTs(m.ts, chat.currentTs) < 0);
  if (before.some((m) => isParleys(m, opts) && answerText(m) !== undefined)) {
    // Earlier questions were mentions too: the turn is the words, not the ping.
    const ping = new RegExp(`<@${opts.botUserId}(?:\\|[^>]*)?>`, 'g');
    const unpinged = before.map((m) => (isParleys(m, opts) || !m.text ? m : { ...m, text: m.text.replace(ping, ' ').replace(/\s+/g, ' ').trim() }));
    return { messages: await turnsOf(unpinged, chat, opts), chat: true };
  }
  const content = raw.filter((m) => isContent(m, opts) && m.ts !== chat.currentTs).map((m) => toConversation(m as SlackMessage & { ts: string }));
  return { messages: await withDisplayNames(content.slice(0, opts.limit), opts.names), chat: false };
}

/** A chat's messages as turns: see `readChatTurns`. */
async function turnsOf(raw: ChatMessage[], chat: ChatRef, opts: Readers & { limit: number; names: UserNames; requesterId: string }): Promise<ConversationMessage[]> {
  const turns: ConversationMessage[] = [];
  for (const m of raw) {
    if (!m.ts || m.ts === chat.currentTs) continue;
    if (isParleys(m, opts)) {
      const text = answerText(m);
      // Marked as a bot's for the name lookup only; it is flipped below.
      if (text) turns.push({ id: m.ts, author: PARLEY_AUTHOR, text, isBot: true });
      continue;
    }
    if (m.bot_id || (m.subtype && m.subtype !== 'file_share' && m.subtype !== 'me_message')) continue;
    if ((m.text ?? '').trim() === '' || !m.user) continue;
    turns.push({ id: m.ts, author: m.user, text: m.text!, isBot: false });
  }
  const kept = turns.sort((a, b) => compareTs(a.id, b.id)).slice(-opts.limit);
  if (kept.length === 0) {
    kept.push({ id: chat.currentTs, author: opts.requesterId, text: chat.currentText, isBot: false });
  }
  const named = await withDisplayNames(kept, opts.names);
  return named.map((t) => (t.author === PARLEY_AUTHOR && t.isBot ? { ...t, isBot: false } : t));
}

/**
 * The chat's messages, with their metadata: the thread's replies (before `before` when given),
 * or the DM's history before it.
 */
async function fetchChat(client: WebClient, chat: ChatRef, { limit, before }: { limit: number; before?: string }): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  let cursor: string | undefined;
  let pages = 0;
  try {
    if (chat.threadTs) {
      // Oldest first: every page up to the current message, so the latest turns are the ones kept.
      do {
        const page = await client.conversations.replies({
          channel: chat.channelId,
          ts: chat.threadTs,
          ...(before && { latest: before, inclusive: false }),
          include_all_metadata: true,
          limit: 200,
          ...(cursor && { cursor }),
        });
        messages.push(...((page.messages ?? []) as ChatMessage[]));
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor && ++pages < MAX_PAGES);
      return messages;
    }
    // Newest first: the latest `limit` are in hand soonest.
    do {
      const page = await client.conversations.history({
        channel: chat.channelId,
        latest: chat.currentTs,
        inclusive: false,
        limit: Math.min(200, limit),
        ...(cursor && { cursor }),
      });
      messages.push(...((page.messages ?? []) as ChatMessage[]));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor && messages.length < limit && ++pages < MAX_PAGES);
    return messages;
  } catch (err) {
    throw fromSlackError(err);
  }
}
