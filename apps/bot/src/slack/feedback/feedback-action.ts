import type { Logger } from '@parley/service-kit';
import type { App } from '@slack/bolt';
import type { FeedbackStore } from '../../core/feedback.js';

export interface FeedbackActionDeps {
  feedback: FeedbackStore;
  log: Logger;
}

/** The 👍/👎 buttons under Slack answers (see `replies/feedback-block.ts`). */
export function registerFeedbackAction(app: App, deps: FeedbackActionDeps): void {
  void app;
  void deps;
}
