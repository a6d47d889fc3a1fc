import type { ExampleBank } from './bank.js';

export interface AskExampleInput {
  /** `[m#] Author (time): text` lines. */
  conversation: string;
  question: string;
}

/** The exact answer when the thread does not hold one. */
export const NOT_IN_THREAD = "The thread doesn't say.";

export const ASK_BANK: ExampleBank<AskExampleInput> = {
  task: 'ask',
  version: 1,
  examples: [
    {
      id: 'who-owns-changelog',
      input: {
        conversation: [
          '[m1] Maya (09:02): We ship Friday.',
          '[m2] Omar (09:04): I\'ll update the changelog.',
          '[m3] Lena (09:05): I\'ll tell support.',
        ].join('\n'),
        question: 'Who is updating the changelog?',
      },
      output: 'Omar [m2].',
    },
    {
      id: 'budget-not-mentioned',
      input: {
        conversation: [
          '[m1] Priya (14:20): The offsite is in Porto.',
          '[m2] Jonas (14:22): I\'ll book the venue by Friday.',
        ].join('\n'),
        question: 'What is the offsite budget?',
      },
      output: NOT_IN_THREAD,
    },
    {
      id: 'when-is-release',
      input: {
        conversation: [
          '[m1] Maya (09:02): Thursday looks risky for the release.',
          '[m2] Omar (09:05): Let\'s move it to Friday.',
          '[m3] Maya (09:06): Agreed, Friday.',
        ].join('\n'),
        question: 'When is the release?',
      },
      output: 'Friday; it moved from Thursday [m2, m3].',
    },
    {
      id: 'failing-test',
      input: {
        conversation: [
          '[m1] Sam (11:01): CI failed again on the e2e suite.',
          '[m2] Ana (11:03): checkout-flow times out for me too.',
        ].join('\n'),
        question: 'Which test is failing?',
      },
      output: 'The checkout-flow e2e test, which times out [m1, m2].',
    },
  ],
};
