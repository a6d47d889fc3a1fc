import type { ConversationMessage } from '@parley/jobs';

/** A short, realistic release-planning thread used by `npm run demo`. */
export const SAMPLE_THREAD: ConversationMessage[] = [
  { id: '1', author: 'Maya', isBot: false, text: 'Can we ship the 2.4 release on Friday? QA signed off on everything except the login bug.' },
  { id: '2', author: 'Omar', isBot: false, text: 'The login bug only hits SSO users. I have a fix in review, should land by Wednesday.' },
  { id: '3', author: 'Maya', isBot: false, text: 'Good. Then the plan is: merge the fix Wednesday, final test Thursday, release Friday morning.' },
  { id: '4', author: 'Lena', isBot: false, text: 'I will write the release notes and the customer email. Who owns the rollback plan?' },
  { id: '5', author: 'Omar', isBot: false, text: "I'll take the rollback plan. Open question: do we need a status page update?" },
  { id: '6', author: 'Maya', isBot: false, text: 'Agreed on all of it. Status page: let us decide at Thursday standup.' },
];
