import type { FeedbackTally } from '@parley/jobs';
import { describeSettings, type Settings } from '@parley/settings';
import type { types } from '@slack/bolt';
import type { AuditEntry } from '../../core/settings-store.js';
import { lastChangeText } from '../genconfig/settings-text.js';

/** Channels listed on the home tab; the rest are counted. Keeps the view far below Slack's 100 blocks. */
export const HOME_CHANNEL_LIMIT = 20;
const SECTION_TEXT_MAX = 3000;
/** Feedback rows listed (most votes first); with the channels, the view stays under 70 blocks. */
export const HOME_FEEDBACK_LIMIT = 40;
/** Rows per section: ten short lines stay far below a section's 3000 characters. */
const FEEDBACK_ROWS_PER_SECTION = 10;

/** This workspace's votes on answers, or why they cannot be read now. */
export type HomeFeedback = { tallies: readonly FeedbackTally[] } | { unavailable: string };

export interface ChannelSettingsSummary {
  channel: string;
  /** What a request in the channel runs with (before its own overrides). */
  effective: Settings;
  last: AuditEntry | undefined;
}

export type HomeSettings =
  | { workspace: { effective: Settings; own: Settings; last: AuditEntry | undefined }; channels: readonly ChannelSettingsSummary[]; totalChannels: number }
  | { unavailable: string };

const HOW_TO = [
  "*Commands*, in the thread's channel, with the thread's link (copy it from the message's ⋮ menu):",
  '• `/summarize <link>`: a summary of the thread. Settings go first: `/summarize temperature=0.3 <link>`.',
  '• `/translate <language> <link>`: the thread in another language.',
  '• `/entities <link>`: the people, organisations, places, dates and amounts in it.',
  '• `/ask <link> <question>`: an answer from what the thread says.',
  "• `/genconfig`: this channel's generation settings. Admins get a form to change them; `/genconfig show` just shows them.",
].join('\n');

const SHORTCUTS =
  '*Message shortcuts*, in any message\'s ⋮ menu: *Summarize thread*, *Translate message* and *Extract entities* work on that message or its thread.';

const MENTIONS =
  '*Mentions*, in a thread: `@Parley summarize`, `@Parley translate to French`, `@Parley extract entities`, or `@Parley` and a question about the thread.';

const PRIVATE = '*Just for you*: add `private` to a command or a mention and only you see the answer; nothing is posted in the channel.';

const section = (text: string): types.SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text.length > SECTION_TEXT_MAX ? `${text.slice(0, SECTION_TEXT_MAX - 1)}…` : text },
});
const context = (text: string): types.ContextBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const header = (text: string): types.HeaderBlock => ({ type: 'header', text: { type: 'plain_text', text } });

function settingsBlocks(settings: HomeSettings): types.KnownBlock[] {
  if ('unavailable' in settings) return [section(`:warning: ${settings.unavailable}`)];
  const { workspace, channels, totalChannels } = settings;
  const blocks: types.KnownBlock[] = [
    header('Workspace defaults'),
    section(`${describeSettings(workspace.effective)}${Object.keys(workspace.own).length === 0 ? " _(nothing set: Parley's defaults)_" : ''}`),
    context(lastChangeText(workspace.last, 'Never changed.')),
    header('Channels with their own settings'),
  ];
  if (channels.length === 0) blocks.push(section('None yet: every channel uses the workspace defaults. An admin runs `/genconfig` in a channel to change its settings.'));
  for (const c of channels.slice(0, HOME_CHANNEL_LIMIT)) {
    blocks.push(section(`<#${c.channel}>: ${describeSettings(c.effective)}\n${lastChangeText(c.last)}`));
  }
  const more = totalChannels - Math.min(channels.length, HOME_CHANNEL_LIMIT);
  if (more > 0) blocks.push(context(`…and ${more} more ${more === 1 ? 'channel' : 'channels'}. \`/genconfig show\` in a channel shows its settings.`));
  return blocks;
}

/** Model names and template ids come from the worker's reply; Slack must not read them as markup. */
const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const channelRef = (id: string) => (/^[CDG][A-Z0-9]{1,20}$/.test(id) ? `<#${id}>` : escapeMrkdwn(id));
const votes = (up: number, down: number) => `👍 ${up} · 👎 ${down}`;

function feedbackBlocks(feedback: HomeFeedback): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = [header('Feedback')];
  if ('unavailable' in feedback) return [...blocks, section(`:warning: ${feedback.unavailable}`)];
  const { tallies } = feedback;
  if (tallies.length === 0) return [...blocks, section('No votes yet. Everyone can rate an answer with the 👍 and 👎 buttons under it.')];
  const up = tallies.reduce((n, t) => n + t.up, 0);
  const down = tallies.reduce((n, t) => n + t.down, 0);
  blocks.push(context(`All answers in this workspace: ${votes(up, down)}. By channel, task, model and prompt template:`));
  const rows = [...tallies]
    .sort((a, b) => b.up + b.down - (a.up + a.down) || a.channel.localeCompare(b.channel) || a.task.localeCompare(b.task))
    .slice(0, HOME_FEEDBACK_LIMIT)
    .map((t) => `${channelRef(t.channel)} · ${escapeMrkdwn(t.task)} · \`${escapeMrkdwn(t.model).replace(/`/g, "'")}\` · ${escapeMrkdwn(t.template)}: ${votes(t.up, t.down)}`);
  for (let i = 0; i < rows.length; i += FEEDBACK_ROWS_PER_SECTION) blocks.push(section(rows.slice(i, i + FEEDBACK_ROWS_PER_SECTION).join('\n')));
  const more = tallies.length - rows.length;
  if (more > 0) blocks.push(context(`…and ${more} more with fewer votes.`));
  return blocks;
}

/** The App Home tab: how to use Parley, the workspace defaults, the channels that differ, and the votes on answers. */
export function homeView(settings: HomeSettings, feedback: HomeFeedback = { tallies: [] }): types.HomeView {
  return {
    type: 'home',
    blocks: [
      header('Parley'),
      section('Parley summarizes, translates and answers questions about threads with a language model that runs on your own machines.'),
      section(HOW_TO),
      section(SHORTCUTS),
      section(MENTIONS),
      section(PRIVATE),
      { type: 'divider' },
      ...settingsBlocks(settings),
      { type: 'divider' },
      ...feedbackBlocks(feedback),
    ],
  };
}
