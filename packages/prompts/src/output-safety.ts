/**
 * U+200B after `@` is what chat bots commonly use: the text reads the same, but neither Slack nor
 * Discord sees a mention.
 */
const ZWSP = '\u200B';

/**
 * Slack's broadcast and group commands (`<!here>`, `<!channel|channel>`, `<!subteam^S1|@eng>`) and
 * user or role mentions of both platforms (`<@U024BE7LH>`, `<@U1|maya>`, `<@123>`, `<@!123>`,
 * `<@&123>`). Other `<!…>` commands such as `<!date^…>` do not notify anyone and are kept.
 */
const ANGLE_MENTION = /<(?:!(?:here|channel|everyone|group|subteam\^[^<>|]*)|@(?:[UW][A-Z0-9]+|[!&]?\d+))(?:\|([^<>]*))?>/gi;

/** Plain-text broadcasts. No word boundary on either side: Discord pings on `x@everyone` too. */
const BROADCAST = /@(everyone|here|channel)/gi;

function labelFor(match: string, label: string | undefined): string {
  const named = label?.replace(/^@+/, '').trim();
  if (named) return named;
  const body = match.slice(1, -1);
  if (body.startsWith('@&')) return 'role';
  if (body.startsWith('@')) return 'user';
  if (/^!subteam/i.test(body)) return 'group';
  return body.slice(1).toLowerCase();
}

/**
 * Model output made unable to ping: every mention form becomes `@` + zero-width space + a name
 * (`<@&123>` → `@​role`, `<!here>` → `@​here`, `@everyone` → `@​everyone`). Nothing else changes.
 */
export function defangMentions(text: string): string {
  return text
    .replace(ANGLE_MENTION, (match: string, label: string | undefined) => `@${ZWSP}${labelFor(match, label)}`)
    .replace(BROADCAST, (_match, word: string) => `@${ZWSP}${word}`);
}

/** True when `text` holds something Slack or Discord would turn into a notification. */
export function hasPingableMention(text: string): boolean {
  return text.search(ANGLE_MENTION) !== -1 || text.search(BROADCAST) !== -1;
}
