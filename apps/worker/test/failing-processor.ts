import { createLogger } from '@parley/service-kit';
import { createProcessor, type AttemptReport } from '../src/processor.js';
import { summaryPrompts } from '../src/tasks/summary-prompts.js';
import type { TaskContext } from '../src/tasks/task-context.js';

/** A valid ask job, as a bot would queue it. */
export const askData = {
  version: 1,
  task: 'ask',
  requestId: 'req-1',
  target: { platform: 'demo', runId: 'run-1' },
  messages: [{ id: '1', author: 'Maya', text: 'hello', isBot: false }],
  generation: { maxNewTokens: 8 },
  question: 'When?',
};

/** A real processor whose model lookup throws `err`, with the replies it sends and the attempts it reports. */
export function failingWith(err: unknown) {
  const reports: AttemptReport[] = [];
  const sent: unknown[] = [];
  const ctx = {
    registry: {
      modelFor: () => {
        throw err;
      },
    },
    replies: { send: async (_data: unknown, outcome: unknown) => void sent.push(outcome) },
    log: createLogger('test', 'silent'),
  } as unknown as TaskContext;
  return { process: createProcessor(ctx, summaryPrompts, (r) => reports.push(r)), reports, sent };
}
