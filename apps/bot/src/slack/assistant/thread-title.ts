const MAX_TITLE = 60;

/**
 * A thread's title from its first message: one line, at most 60 characters, with Slack's
 * `<…>` syntax (user, channel and group mentions, @here, links) replaced by plain words, so the
 * title can neither ping anyone nor link anywhere. Undefined when nothing is left.
 */
export function threadTitle(text: string): string | undefined {
  const plain = text
    .replace(/<[@!#][^>|]*\|([^>]*)>/g, '$1')
    .replace(/<![^>]*>/g, '')
    .replace(/<[@#][^>]*>/g, '')
    .replace(/<([^>|]*)\|([^>]*)>/g, '$2')
    .replace(/<([^>]*)>/g, '$1')
    .replace(/[<>]/g, '')
    .replace(/@(here|channel|everyone)\b/gi, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  if (!plain) return undefined;
  if (plain.length <= MAX_TITLE) return plain;
  const cut = plain.slice(0, MAX_TITLE - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_TITLE / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
