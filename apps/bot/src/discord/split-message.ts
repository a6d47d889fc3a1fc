/** Discord's limit for one message's content. */
export const DISCORD_MESSAGE_LIMIT = 2000;

const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;

/** Paragraphs and whole fenced code blocks, in order; a code block is never cut by the packing. */
function blocks(text: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let fence: string | undefined;
  const flush = () => {
    if (current.length) out.push(current.join('\n'));
    current = [];
  };
  for (const line of text.split('\n')) {
    const marker = FENCE.exec(line)?.[1];
    if (fence) {
      current.push(line);
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) {
        fence = undefined;
        flush();
      }
    } else if (marker) {
      flush();
      fence = marker;
      current.push(line);
    } else if (line.trim() === '') {
      flush();
    } else {
      current.push(line);
    }
  }
  // An unclosed fence is closed, so the code cannot swallow whatever follows it.
  if (fence) current.push(fence);
  flush();
  return out;
}

/** Cuts text that has no fences at line, then word, then character boundaries. */
function cutPlain(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    let at = window.lastIndexOf('\n');
    if (at <= 0) at = window.lastIndexOf(' ');
    if (at <= 0) at = limit;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).replace(/^[\n ]/, '');
  }
  if (rest.trim()) parts.push(rest);
  return parts;
}

/** A code block longer than the limit becomes several complete blocks, each with its own fences. */
function cutCode(block: string, limit: number): string[] {
  const lines = block.split('\n');
  const open = lines[0]!;
  const close = lines.at(-1)!;
  const body = lines.slice(1, -1);
  const room = limit - open.length - close.length - 2;
  const parts: string[] = [];
  let chunk: string[] = [];
  let size = 0;
  for (const line of body.flatMap((l) => (l.length > room ? cutPlain(l, room) : [l]))) {
    if (chunk.length && size + line.length + 1 > room) {
      parts.push([open, ...chunk, close].join('\n'));
      chunk = [];
      size = 0;
    }
    chunk.push(line);
    size += line.length + 1;
  }
  parts.push([open, ...chunk, close].join('\n'));
  return parts;
}

/**
 * Splits a reply into messages of at most `limit` characters: between paragraphs where it can,
 * never inside a code block. A single block longer than the limit is cut at lines (a code block
 * into several fenced blocks), then words.
 */
export function splitMessage(text: string, limit = DISCORD_MESSAGE_LIMIT): string[] {
  if (text.length <= limit) return [text];
  const pieces = blocks(text).flatMap((b) => (b.length <= limit ? [b] : FENCE.test(b.split('\n')[0]!) ? cutCode(b, limit) : cutPlain(b, limit)));
  const messages: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current && current.length + 2 + piece.length > limit) {
      messages.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${piece}` : piece;
  }
  if (current) messages.push(current);
  return messages;
}
