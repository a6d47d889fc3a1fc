import { describe, expect, it } from 'vitest';
import { viewProblems } from '../../../test/helpers/fake-slack-views.js';
import { HOME_CHANNEL_LIMIT, homeView, type ChannelSettingsSummary } from '../src/slack/home/home-view.js';

const at = '2026-03-01T10:00:00.000Z';
const change = (actor: string) => ({ at, actor, field: 'seed', old: null, new: 1, via: 'form' });
const channels = (n: number): ChannelSettingsSummary[] =>
  Array.from({ length: n }, (_, i) => ({ channel: `C${i}`, effective: { doSample: true, temperature: 0.5, seed: i }, last: change(`U${i}`) }));
const texts = (view: ReturnType<typeof homeView>) => JSON.stringify(view.blocks);

describe('the App Home view', () => {
  it('explains every command, the shortcuts, mentions and the private option', () => {
    const view = homeView({ workspace: { effective: {}, own: {}, last: undefined }, channels: [], totalChannels: 0 });
    expect(viewProblems(view)).toEqual([]);
    for (const word of ['/summarize', '/translate', '/entities', '/ask', '/genconfig', 'Summarize thread', 'Translate message', 'Extract entities', '@Parley', '`private`']) {
      expect(texts(view)).toContain(word);
    }
    expect(texts(view)).toContain("greedy _(nothing set: Parley's defaults)_");
    expect(texts(view)).toContain('None yet');
  });

  it("lists the workspace defaults and each configured channel's effective settings with its last author", () => {
    const view = homeView({ workspace: { effective: { doSample: false, maxNewTokens: 64 }, own: { doSample: false }, last: change('U0BOSS') }, channels: channels(2), totalChannels: 2 });
    expect(viewProblems(view)).toEqual([]);
    expect(texts(view)).toContain('greedy, max 64 tokens');
    expect(texts(view)).toContain('Last changed by <@U0BOSS>');
    expect(texts(view)).toContain('<#C1>: sampling, temperature 0.5, seed 1\\nLast changed by <@U1>');
    expect(texts(view)).not.toContain('more channel');
  });

  it(`lists at most ${HOME_CHANNEL_LIMIT} channels, counts the rest, and stays within Slack's limits`, () => {
    const view = homeView({ workspace: { effective: {}, own: {}, last: undefined }, channels: channels(150), totalChannels: 150 });
    expect(viewProblems(view)).toEqual([]);
    expect(view.blocks.filter((b) => b.type === 'section' && JSON.stringify(b).includes('<#C'))).toHaveLength(HOME_CHANNEL_LIMIT);
    expect(texts(view)).toContain(`…and ${150 - HOME_CHANNEL_LIMIT} more channels`);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
  });

  it('cuts a section over 3000 characters instead of having the view refused', () => {
    const long = [{ channel: 'C1', effective: { targetLanguage: 'x'.repeat(60) }, last: change('U'.repeat(3000)) }];
    const view = homeView({ workspace: { effective: {}, own: {}, last: undefined }, channels: long, totalChannels: 1 });
    expect(viewProblems(view)).toEqual([]);
  });

  it('says when the settings cannot be read, and still explains how to use Parley', () => {
    const view = homeView({ unavailable: "Parley can't reach its settings right now." });
    expect(texts(view)).toContain(":warning: Parley can't reach its settings right now.");
    expect(texts(view)).toContain('/summarize');
  });
});
