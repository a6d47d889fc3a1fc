import { describe, expect, it } from 'vitest';
import { parseThreadLink } from '../src/slack/reading/thread-link.js';

describe('parseThreadLink', () => {
  it('reads the channel and ts of a parent message link, as Slack wraps it in <…>', () => {
    expect(parseThreadLink('<https://acme.slack.com/archives/C024BE91L/p1790000000000100>')).toEqual({
      channelId: 'C024BE91L',
      threadTs: '1790000000.000100',
    });
  });

  it("takes a reply link's thread_ts as the thread", () => {
    expect(parseThreadLink('https://acme.slack.com/archives/C024BE91L/p1790000009000900?thread_ts=1790000000.000100&cid=C024BE91L')).toEqual({
      channelId: 'C024BE91L',
      threadTs: '1790000000.000100',
    });
  });

  it('returns null for anything that is not a message link', () => {
    for (const text of ['', 'last 50', 'https://example.com/p1790000000000100', '<#C024BE91L|general>']) {
      expect(parseThreadLink(text)).toBeNull();
    }
  });
});
