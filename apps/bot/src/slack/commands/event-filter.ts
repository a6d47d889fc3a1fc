/** The fields of a message or app_mention event that decide whether it is someone asking. */
export interface SlackEventMessage {
  subtype?: string;
  user?: string;
  bot_id?: string;
  edited?: unknown;
}

export interface AskerRules {
  botUserId: string;
  botId: string;
  /** Answer other bots' messages too (SLACK_ANSWER_BOTS); Parley's own never. */
  answerBots: boolean;
}

/** Subtypes that are someone writing; the rest (edits, deletions, joins, topic changes…) are not a request. */
const ASKING_SUBTYPES = new Set(['thread_broadcast', 'file_share', 'me_message']);

/**
 * Why a message event makes no request, or null when it may. Edits must not re-run a request:
 * Slack re-sends an edited mention, and Parley's own streamed edits would otherwise set it off.
 */
export function ignoredBecause(event: SlackEventMessage, rules: AskerRules): string | null {
  if (event.user === rules.botUserId || (event.bot_id !== undefined && event.bot_id === rules.botId)) return 'own message';
  if (event.edited !== undefined) return 'edited';
  const fromBot = event.subtype === 'bot_message' || event.bot_id !== undefined;
  if (fromBot && !rules.answerBots) return 'another bot';
  if (event.subtype && event.subtype !== 'bot_message' && !ASKING_SUBTYPES.has(event.subtype)) return `subtype ${event.subtype}`;
  if (!event.user && !event.bot_id) return 'no author';
  return null;
}
