/**
 * Model output goes into `markdown` blocks, whose text may total 12,000 characters per message;
 * a message also holds at most 50 blocks and a context block's text at most 3,000 characters.
 * Long replies are cut into several messages. A message's `text` carries the same content for
 * notifications and clients without blocks, well under its 40,000-character limit.
 */
export const BLOCK_LIMITS = { markdownCharsPerMessage: 12_000, contextChars: 3000, blocksPerMessage: 50 } as const;

export type Block =
  | { type: 'markdown'; text: string }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'context_actions'; elements: object[] };

export interface SlackMessageBody {
  text: string;
  blocks: Block[];
}

/** Where a cut may fall without breaking an escape (`&amp;`) or a link (`[[1]](url)`). */
function safeCut(text: string, max: number): number {
  for (const sep of ['\n\n', '\n', ' ']) {
    const at = text.lastIndexOf(sep, max - sep.length);
    if (at > max / 2) return at + sep.length;
  }
  let at = max;
  let open = text.lastIndexOf('[', at);
  while (open > 0 && text[open - 1] === '[') open--;
  if (open > text.lastIndexOf(')', at) && open > 0) at = open;
  const amp = text.lastIndexOf('&', at);
  if (amp > at - 6 && amp > 0 && !text.slice(amp, at).includes(';')) at = amp;
  return at;
}

/** Splits text into pieces of at most `max` characters, preferring paragraph, line and word breaks. */
export function splitText(text: string, max: number = BLOCK_LIMITS.markdownCharsPerMessage): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = safeCut(rest, max);
    const piece = rest.slice(0, cut).trimEnd();
    if (piece) pieces.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim()) pieces.push(rest);
  return pieces;
}

const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text: text.slice(0, BLOCK_LIMITS.contextChars) }] });

/**
 * The messages a reply is posted as: the markdown body in one `markdown` block per message, a
 * "continued" marker on every message after the first, and the footer (mrkdwn, in a context
 * block) and any closing blocks (the feedback buttons) on the last.
 */
export function toMessages(body: string, footer?: string, closing: Block[] = []): SlackMessageBody[] {
  const pieces = splitText(body);
  if (!pieces.length) pieces.push('');
  return pieces.map((piece, i) => {
    const blocks: Block[] = [];
    const texts: string[] = [];
    if (i > 0) {
      const marker = `_continued (${i + 1} of ${pieces.length})_`;
      blocks.push(context(marker));
      texts.push(marker);
    }
    if (piece) blocks.push({ type: 'markdown', text: piece });
    texts.push(piece);
    if (i === pieces.length - 1) {
      if (footer) {
        blocks.push(context(footer));
        texts.push(footer);
      }
      blocks.push(...closing);
    }
    return { text: texts.filter(Boolean).join('\n\n'), blocks };
  });
}

/** The markdown of a message's body, and the blocks after it (footer, feedback). */
export function markdownOf(message: SlackMessageBody): { markdown: string; after: Block[] } {
  const at = message.blocks.findIndex((b) => b.type === 'markdown');
  const block = message.blocks[at];
  return block?.type === 'markdown' ? { markdown: block.text, after: message.blocks.slice(at + 1) } : { markdown: '', after: message.blocks };
}
