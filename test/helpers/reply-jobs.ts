import type { DiscordTarget, ReplyJob } from '@parley/jobs';
import type { Queue } from 'bullmq';
import { snowflake } from './fake-discord.js';

/**
 * A successful reply job as a worker would hand it to the Discord reply queue, for answers (long
 * ones, ones with mentions) that the tiny model cannot be made to write. Resolves its request id.
 */
export async function injectDiscordReply(replies: Queue, target: DiscordTarget, text: string): Promise<string> {
  const requestId = `discord-test-${snowflake()}`;
  const reply: ReplyJob = {
    version: 1,
    requestId,
    target,
    outcome: {
      ok: true,
      text,
      task: 'ask',
      model: { name: 'tiny', isRandomTestModel: true },
      messagesCovered: 1,
      messagesInThread: 1,
      generation: { maxNewTokens: 64 },
      stats: { promptTokens: 1, newTokens: 1, generationMs: 1 },
    },
  };
  await replies.add('reply', reply, { jobId: `reply-${requestId}` });
  return requestId;
}
