import { describe, expect, it } from 'vitest';
import { viewProblems } from '../../../test/helpers/fake-slack-views.js';
import type { FeedbackTally } from '@parley/jobs';
import { HOME_CHANNEL_LIMIT, HOME_FEEDBACK_LIMIT, homeView, type ChannelSettingsSummary } from '../src/slack/home/home-view.js';

const at = '2026-03-01T10:00:00.000Z';
const change = (actor: string) => ({ at, actor, field: 'seed', old: null, new: 1, via: 'form' });
const channels = (n: number): ChannelSettingsSummary[] =>
  Array.from({ length: n }, (_, i) => ({ channel: `C${i}`, effective: { doSample: true, temperature: 0.5, seed: i }, last: change(`U${i}`) }));
const texts = (view: ReturnType<typeof homeView>) => JSON.stringify(view.blocks);
const noSettings = { workspace: { effective: {}, own: {}, last: undefined }, channels: [], totalChannels: 0 };
const tally = (channel: string, up: number, down: number, over: Partial<FeedbackTally> = {}): FeedbackTally => ({
  platform: 'slack',
  workspace: 'T1',
  channel,
  task: 'summarize',
  model: 't5-tiny',
  template: 'summarize@3',
  up,
  down,
  ...over,
});

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

  it('says there are no votes yet when nobody has rated an answer', () => {
    const view = homeView(noSettings, { tallies: [] });
    expect(viewProblems(view)).toEqual([]);
    expect(texts(view)).toContain('"Feedback"');
    expect(texts(view)).toContain('No votes yet.');
  });

  it('lists 👍 and 👎 per channel, task, model and template version, with the workspace total', () => {
    const tallies = [tally('C1', 2, 1), tally('C2', 0, 1, { task: 'ask', model: 'flan-t5-small', template: 'ask@1' }), tally('C1', 1, 0, { template: 'summarize@2' })];
    const view = homeView(noSettings, { tallies });
    expect(viewProblems(view)).toEqual([]);
    const text = texts(view);
    expect(text).toContain('All answers in this workspace: 👍 3 · 👎 2.');
    expect(text).toContain('<#C1> · summarize · `t5-tiny` · summarize@3: 👍 2 · 👎 1');
    expect(text).toContain('<#C2> · ask · `flan-t5-small` · ask@1: 👍 0 · 👎 1');
    expect(text).toContain('<#C1> · summarize · `t5-tiny` · summarize@2: 👍 1 · 👎 0');
    expect(text).not.toContain('No votes yet');
    // Most votes first.
    expect(text.indexOf('summarize@3: 👍 2')).toBeLessThan(text.indexOf('summarize@2: 👍 1'));
  });

  it('shows a model name or template as text, never as Slack markup', () => {
    const view = homeView(noSettings, { tallies: [tally('C1', 1, 0, { model: '<!channel> & co', template: '<@U1>' }), tally('not a channel <#C9>', 1, 0)] });
    const text = texts(view);
    expect(text).toContain('&lt;!channel&gt; &amp; co');
    expect(text).toContain('&lt;@U1&gt;');
    expect(text).toContain('not a channel &lt;#C9&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it(`lists at most ${HOME_FEEDBACK_LIMIT} feedback rows beside ${HOME_CHANNEL_LIMIT} channels and stays within Slack's view limits`, () => {
    const tallies = Array.from({ length: 500 }, (_, i) => tally(`C${i}`, i, 1, { model: `model-${'m'.repeat(60)}-${i}`, template: `summarize@${i}` }));
    const view = homeView({ workspace: { effective: {}, own: {}, last: undefined }, channels: channels(150), totalChannels: 150 }, { tallies });
    expect(viewProblems(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const rows = texts(view).match(/👍 \d+ · 👎 1/g) ?? [];
    expect(rows).toHaveLength(HOME_FEEDBACK_LIMIT);
    expect(texts(view)).toContain(`…and ${500 - HOME_FEEDBACK_LIMIT} more with fewer votes.`);
    expect(texts(view)).toContain('summarize@499: 👍 499');
    expect(texts(view)).not.toContain('summarize@0: ');
  });

  it('says when the votes cannot be read, and still shows the settings', () => {
    const view = homeView(noSettings, { unavailable: "Parley can't count votes right now. Please try again in a minute." });
    expect(viewProblems(view)).toEqual([]);
    expect(texts(view)).toContain(":warning: Parley can't count votes right now.");
    expect(texts(view)).toContain('Workspace defaults');
  });
});
