import { FAKE_TEAM, type FakeSlackView } from './fake-slack.js';
import { postSlashCommand, type SentRequest } from './slack-request.js';

type Json = Record<string, unknown>;

/** What the user left in an input: a number or text typed, an option value chosen, or null for an emptied one. */
export type FormEntries = Record<string, string | null>;

/**
 * The state Slack sends with a view_submission: every input block of the view, each with what the
 * user left in it: its initial value unless `entries` changes it. A value that matches none of a
 * select's options is still sent, as a forged payload could.
 */
export function submittedState(view: Json, entries: FormEntries): Record<string, Record<string, Json>> {
  const values: Record<string, Record<string, Json>> = {};
  for (const block of view['blocks'] as Json[]) {
    if (block['type'] !== 'input') continue;
    const blockId = String(block['block_id']);
    const el = block['element'] as Json;
    const given = blockId in entries ? entries[blockId] : undefined;
    let state: Json;
    if (el['type'] === 'static_select') {
      const options = el['options'] as Json[];
      const chosen = given === undefined ? (el['initial_option'] ?? null) : given === null ? null : (options.find((o) => o['value'] === given) ?? { text: { type: 'plain_text', text: given }, value: given });
      state = { type: 'static_select', selected_option: chosen };
    } else {
      state = { type: el['type'], value: given === undefined ? (el['initial_value'] ?? null) : given };
    }
    values[blockId] = { [String(el['action_id'])]: state };
  }
  return values;
}

/** A view_submission payload for a view the app opened, as a given user submits it. */
export function viewSubmission(opened: FakeSlackView, user: string, entries: FormEntries, team = FAKE_TEAM.id): Json {
  return {
    type: 'view_submission',
    team: { id: team, domain: FAKE_TEAM.name },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: team },
    api_app_id: 'A0PARLEY',
    token: 'legacy-verification-token',
    trigger_id: `${Date.now()}.trigger`,
    view: {
      id: opened.id,
      team_id: team,
      type: 'modal',
      app_id: 'A0PARLEY',
      bot_id: 'B0PARLEY',
      hash: `${opened.id}-hash`,
      root_view_id: opened.id,
      previous_view_id: null,
      external_id: '',
      clear_on_close: false,
      notify_on_close: false,
      ...opened.view,
      state: { values: submittedState(opened.view, entries) },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export interface InteractionResponse extends SentRequest {
  /** Bolt's JSON answer (e.g. `{response_action:"errors", errors}`), or undefined for an empty 200. */
  json: Json | undefined;
}

/** Posts an interactive payload the way Slack does: form-encoded `payload=<json>`, signed. */
export async function postInteraction(url: string, payload: Json, signingSecret: string): Promise<InteractionResponse> {
  const res = await postSlashCommand(url, { payload: JSON.stringify(payload) }, signingSecret);
  return { ...res, json: res.body === '' ? undefined : (JSON.parse(res.body) as Json) };
}

/** The Events API envelope of `app_home_opened` for the Home tab. */
export function appHomeOpened(user: string, eventId: string, team = FAKE_TEAM.id): Json {
  return {
    token: 'legacy-verification-token',
    team_id: team,
    api_app_id: 'A0PARLEY',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: team, user_id: 'U0PARLEY', is_bot: true }],
    event: { type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home', event_ts: `${Math.floor(Date.now() / 1000)}.000100` },
  };
}

export interface FeedbackClick {
  user: string;
  channel: string;
  /** The message carrying the buttons, and its thread if it is in one. */
  messageTs: string;
  threadTs?: string | undefined;
  /** The clicked button's value, as Slack sends it in `actions[0].value` (Parley writes `up:<request id>` / `down:<request id>`). */
  value: string;
  responseUrl: string;
  /** The message's blocks, as Slack echoes them in the payload; the feedback block's block_id is taken from them. */
  blocks?: unknown[] | undefined;
  triggerId?: string;
  team?: string;
}

/** The block_actions payload Slack sends when a user clicks one of a message's feedback_buttons (👍 or 👎). */
export function feedbackClick(click: FeedbackClick): Json {
  const team = click.team ?? FAKE_TEAM.id;
  const now = `${(Date.now() / 1000).toFixed(6)}`;
  const block = (click.blocks as Json[] | undefined)?.find((b) => b['type'] === 'context_actions');
  const button = click.value.startsWith('down:') ? '👎' : '👍';
  return {
    type: 'block_actions',
    user: { id: click.user, username: click.user.toLowerCase(), name: click.user.toLowerCase(), team_id: team },
    api_app_id: 'A0PARLEY',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: click.messageTs, channel_id: click.channel, is_ephemeral: false, ...(click.threadTs && { thread_ts: click.threadTs }) },
    trigger_id: click.triggerId ?? `${Date.now()}.${Math.floor(Math.random() * 1e9)}.trigger`,
    team: { id: team, domain: FAKE_TEAM.name },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: click.channel, name: click.channel.toLowerCase() },
    message: {
      type: 'message',
      user: 'U0PARLEY',
      bot_id: 'B0PARLEY',
      ts: click.messageTs,
      ...(click.threadTs && { thread_ts: click.threadTs }),
      text: '',
      ...(click.blocks && { blocks: click.blocks }),
    },
    state: { values: {} },
    response_url: click.responseUrl,
    actions: [
      {
        type: 'feedback_buttons',
        action_id: 'parley_feedback',
        block_id: typeof block?.['block_id'] === 'string' ? block['block_id'] : 'parley-feedback',
        value: click.value,
        text: { type: 'plain_text', text: button, emoji: true },
        action_ts: now,
      },
    ],
  };
}
