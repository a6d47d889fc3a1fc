import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defangMentions, hasPingableMention } from '../src/output-safety.js';

const Z = '\u200B';
/** Written apart from the implementation: what Slack or Discord would notify on. */
const PINGS = [
  /@(?:everyone|here|channel)/i,
  /<!(?:here|channel|everyone|group)(?:\|[^<>]*)?>/i,
  /<!subteam\^[^<>]*>/i,
  /<@[UW][A-Z0-9]+(?:\|[^<>]*)?>/i,
  /<@[!&]?\d+(?:\|[^<>]*)?>/,
];
const pings = (t: string) => PINGS.some((re) => re.test(t));

describe('defangMentions', () => {
  it.each([
    ['ping @everyone now', `ping @${Z}everyone now`],
    ['@here and @channel', `@${Z}here and @${Z}channel`],
    ['@Everyone', `@${Z}Everyone`],
    ['mail@here.com', `mail@${Z}here.com`],
    ['<!channel> go', `@${Z}channel go`],
    ['<!here|here>', `@${Z}here`],
    ['<!everyone>', `@${Z}everyone`],
    ['<!subteam^S012AB|@eng-team> please', `@${Z}eng-team please`],
    ['<!subteam^S012AB>', `@${Z}group`],
    ['hi <@U024BE7LH>', `hi @${Z}user`],
    ['hi <@U024BE7LH|maya>', `hi @${Z}maya`],
    ['<@123456789012345678> <@!1234> <@&987>', `@${Z}user @${Z}user @${Z}role`],
    ['<@U1|@everyone>', `@${Z}everyone`],
    ['<@U1|team @here>', `@${Z}team @${Z}here`],
  ])('%j → %j', (input, expected) => {
    expect(defangMentions(input)).toBe(expected);
    expect(hasPingableMention(input)).toBe(true);
    expect(hasPingableMention(defangMentions(input))).toBe(false);
  });

  it.each([
    'hello @maya',
    'see <#C123|general> and <https://example.com|docs>',
    '<!date^1392734382^{date}|Feb 18>',
    'a < b > c, 2 <@ 3',
    'everyone here, channel',
    `already @${Z}everyone`,
  ])('leaves %j alone', (text) => {
    expect(defangMentions(text)).toBe(text);
  });

  const piece = fc.constantFrom(
    '@', '<', '>', '!', '&', '|', '^', 'everyone', 'here', 'channel', 'HERE', 'subteam', 'group', 'U024BE7LH', '123', ' ', 'x', '<@', '<!', '@@', 'subteam^S1', '<@!', '<@&',
  );
  const texty = fc.oneof(fc.string(), fc.array(piece, { maxLength: 24 }).map((a) => a.join('')));

  it('never leaves a pingable mention (property)', () => {
    fc.assert(
      fc.property(texty, (t) => {
        const out = defangMentions(t);
        expect(hasPingableMention(out)).toBe(false);
        expect(pings(out)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('changes nothing in text without a mention (property)', () => {
    fc.assert(
      fc.property(
        texty.filter((t) => !pings(t)),
        (t) => {
          expect(defangMentions(t)).toBe(t);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(texty, (t) => {
        expect(defangMentions(defangMentions(t))).toBe(defangMentions(t));
      }),
    );
  });
});
