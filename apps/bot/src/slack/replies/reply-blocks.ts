/**
 * Slack's Block Kit limits a section's text to 3,000 characters and a message to 50 blocks;
 * long replies are cut into sections and then into several messages. A message is also kept
 * well under the 40,000-character text limit, since its `text` carries the same content for
 * notifications and clients without blocks.
 */
export const BLOCK_LIMITS = { sectionChars: 3000, blocksPerMessage: 50, charsPerMessage: 12_000 } as const;

export type Block =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

export interface SlackMessageBody {
  text: string;
  blocks: Block[];
}

/** Where a cut may fall without breaking an escape (`&amp;`) or a link (`<url|label>`). */
function safeCut(text: string, max: number): number {
  for (const sep of ['\n\n', '\n', ' ']) {
    const at = text.lastIndexOf(sep, max - sep.length);
    if (at > max / 2) return at + sep.length;
  }
  let at = max;
  const open = text.lastIndexOf('<', at);
  if (open > text.lastIndexOf('>', at) && open > 0) at = open;
  const amp = text.lastIndexOf('&', at);
  if (amp > at - 6 && amp > 0 && !text.slice(amp, at).includes(';')) at = amp;
  return at;
}

/** Splits mrkdwn into pieces of at most `max` characters, preferring paragraph, line and word breaks. */
export function splitText(text: string, max: number = BLOCK_LIMITS.sectionChars): string[] {
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

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text: text.slice(0, BLOCK_LIMITS.sectionChars) }] });

/**
 * The messages a reply is posted as: the body in sections, the footer as a context block on the
 * last message, and a "continued" marker on every message after the first.
 */
export function toMessages(body: string, footer?: string): SlackMessageBody[] {
  const sections = splitText(body);
  const groups: string[][] = [];
  // Room for the continuation marker and the footer.
  const maxSections = BLOCK_LIMITS.blocksPerMessage - 2;
  for (const piece of sections) {
    const current = groups.at(-1);
    if (current && current.length < maxSections && current.join('\n\n').length + piece.length + 2 <= BLOCK_LIMITS.charsPerMessage) current.push(piece);
    else groups.push([piece]);
  }
  if (!groups.length) groups.push([]);
  return groups.map((pieces, i) => {
    const blocks: Block[] = [];
    const texts: string[] = [];
    if (i > 0) {
      const marker = `_continued (${i + 1} of ${groups.length})_`;
      blocks.push(context(marker));
      texts.push(marker);
    }
    blocks.push(...pieces.map(section));
    texts.push(...pieces);
    if (footer && i === groups.length - 1) {
      blocks.push(context(footer));
      texts.push(footer);
    }
    return { text: texts.join('\n\n'), blocks };
  });
}
