import { isCodedError } from '@parley/errors';
import { MessageFlags, type ButtonInteraction } from 'discord.js';
import { castVote, type VoteDeps } from '../core/vote.js';
import { NO_PINGS_OPTION } from './no-pings.js';
import { parseVoteCustomId } from './v2-message.js';

/**
 * A click on an answer's 👍 or 👎: counted once per user and answer, and answered at once
 * (Discord's 3 s) with a message only the voter sees. Returns false for a button that is not a vote.
 */
export async function answerVote(interaction: ButtonInteraction, deps: VoteDeps): Promise<boolean> {
  const parsed = parseVoteCustomId(interaction.customId);
  if (!parsed) return false;
  let content: string;
  try {
    ({ confirmation: content } = await castVote(deps, 'discord', parsed.requestId, interaction.user.id, parsed.vote));
  } catch (err) {
    if (!isCodedError(err)) deps.log.error({ requestId: parsed.requestId, err: (err as Error).message?.slice(0, 160) }, 'vote failed');
    content = `⚠️ ${isCodedError(err) ? err.userMessage : "I couldn't count that vote. Please try again."}`;
  }
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS_OPTION });
  return true;
}
