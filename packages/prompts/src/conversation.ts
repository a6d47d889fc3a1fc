/** Where a piece of a message split for length sits among its siblings (0-based `index`). */
export interface MessagePart {
  index: number;
  count: number;
}

/**
 * A message of the thread (or channel window) a prompt is about, platform-neutral: adapters
 * resolve mentions, channel links and user ids to names before building it. The job contract's
 * `ConversationMessage` is one without the optional fields.
 */
export interface ThreadMessage {
  id: string;
  /** The display name. */
  author: string;
  text: string;
  isBot: boolean;
  /** ISO 8601, as the platform gave it. */
  time?: string;
  /** The id of the message this one replies to, for threads. */
  parentId?: string;
  /** Set on the pieces of a message too long for one prompt; each piece keeps the message's id. */
  part?: MessagePart;
}

export interface RenderConversationOptions {
  /** Prefix each line with its reference, `[m3]`. Default true. */
  withIds?: boolean;
  /** Show the time when a message has one. Default true. */
  withTimes?: boolean;
  /** Keep messages flagged `isBot`. Default false: other bots' output is rarely thread content. */
  keepBots?: boolean;
  /** Drop messages by these display names (e.g. the assistant's own name). */
  dropAuthors?: readonly string[];
  /** The number of the first message, so that the chunks of one thread get distinct refs. Default 1. */
  firstRef?: number;
}

export interface RenderedConversation {
  /** One line per kept message. */
  text: string;
  /** `m3` → the id of the message rendered as `[m3]`, to map a model's citations back to messages. */
  refs: Map<string, string>;
  /** How many messages were rendered (the rest were empty, bots or dropped authors). */
  rendered: number;
}

const fold = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * `2026-11-29T10:02:00Z` → `2026-11-29 10:02`: the wall-clock time as written, with no time-zone
 * conversion, so the output is deterministic and does not depend on the worker's zone.
 */
function shortTime(iso: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/**
 * The thread as data: `[m3] Maya (2026-11-29 10:02): text`, one line per message. A message's
 * ref is its position in `messages` (1-based, plus `firstRef - 1`), so refs stay stable whatever
 * the filters leave out. Folding whitespace keeps every line starting with our own prefix: a
 * message cannot forge a line of its own.
 */
export function renderConversation(
  messages: readonly ThreadMessage[],
  options: RenderConversationOptions = {},
): RenderedConversation {
  const { withIds = true, withTimes = true, keepBots = false, dropAuthors = [], firstRef = 1 } = options;
  const dropped = new Set(dropAuthors.map((a) => fold(a).toLowerCase()));
  const refOf = new Map<string, string>();
  const refs = new Map<string, string>();
  const lines: string[] = [];
  messages.forEach((m, i) => {
    const ref = `m${firstRef + i}`;
    if (!refOf.has(m.id)) refOf.set(m.id, ref);
    const text = fold(m.text);
    const author = fold(m.author) || 'unknown';
    if (text === '' || (m.isBot && !keepBots) || dropped.has(author.toLowerCase())) return;
    let head = '';
    if (withIds) {
      refs.set(ref, m.id);
      const part = m.part && m.part.count > 1 ? ` part ${m.part.index + 1}/${m.part.count}` : '';
      const parent = m.parentId === undefined ? undefined : refOf.get(m.parentId);
      const reply = parent !== undefined && parent !== ref && refs.has(parent) ? `, reply to ${parent}` : '';
      head = `[${ref}${part}${reply}] `;
    }
    const time = withTimes && m.time !== undefined ? shortTime(m.time) : undefined;
    lines.push(`${head}${author}${time === undefined ? '' : ` (${time})`}: ${text}`);
  });
  return { text: lines.join('\n'), refs, rendered: lines.length };
}
