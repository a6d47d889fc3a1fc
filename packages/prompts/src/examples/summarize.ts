import type { ExampleBank } from './bank.js';

/** A conversation as the templates receive it: `[m#] Author (time): text` lines. */
export interface SummarizeExampleInput {
  conversation: string;
}

/**
 * Summaries use three headed sections of "- " bullets; an action item starts with its owner when
 * one is named ("Omar: …"); every point cites its messages ([m2] or [m2, m4]); an empty section
 * says "- None."
 */
export const SUMMARIZE_BANK: ExampleBank<SummarizeExampleInput> = {
  task: 'summarize',
  version: 1,
  examples: [
    {
      id: 'release-slips-to-friday',
      input: {
        conversation: [
          '[m1] Maya (09:02): The payments fix is still in review, so Thursday looks risky for the release.',
          '[m2] Omar (09:05): Let\'s move the release to Friday then. QA needs a day anyway.',
          '[m3] Maya (09:06): Agreed, Friday it is.',
          '[m4] Omar (09:10): I\'ll update the changelog and the release notes.',
          '[m5] Lena (09:14): Does support need to warn the two enterprise customers?',
        ].join('\n'),
      },
      output: [
        'Decisions:',
        '- The release moves from Thursday to Friday to give QA a day [m2, m3]',
        'Action items:',
        '- Omar: update the changelog and release notes [m4]',
        'Open questions:',
        '- Should support warn the two enterprise customers? [m5]',
      ].join('\n'),
    },
    {
      id: 'offsite-venue',
      input: {
        conversation: [
          '[m1] Priya (14:20): Offsite venue: Lisbon or Porto? Budget is $12k.',
          '[m2] Jonas (14:22): Porto is cheaper, around $9k for the whole team.',
          '[m3] Priya (14:25): Porto then. Jonas, can you book it this week?',
          '[m4] Jonas (14:26): Yes, I\'ll book by Friday.',
          '[m5] Priya (14:30): Still need a date that works for the Berlin folks.',
        ].join('\n'),
      },
      output: [
        'Decisions:',
        '- The offsite goes to Porto, about $9k of the $12k budget [m2, m3]',
        'Action items:',
        '- Jonas: book the Porto venue by Friday [m3, m4]',
        'Open questions:',
        '- Which date works for the Berlin team? [m5]',
      ].join('\n'),
    },
    {
      id: 'flaky-ci-no-decision',
      input: {
        conversation: [
          '[m1] Sam (11:01): CI failed again on the e2e suite, third time today.',
          '[m2] Ana (11:03): Same test? checkout-flow times out for me too.',
          '[m3] Sam (11:04): Yes, checkout-flow. Could be the new payment sandbox.',
          '[m4] Ana (11:10): Someone should look at the sandbox logs.',
        ].join('\n'),
      },
      output: [
        'Decisions:',
        '- None.',
        'Action items:',
        '- Check the payment sandbox logs for the checkout-flow timeouts, no owner yet [m4]',
        'Open questions:',
        '- Is the new payment sandbox causing the checkout-flow failures? [m1-m3]',
      ].join('\n'),
    },
    {
      id: 'onboarding-doc',
      input: {
        conversation: [
          '[m1] Lena (16:40): New hires keep asking how to get VPN access.',
          '[m2] Tom (16:41): We should add it to the onboarding doc.',
          '[m3] Lena (16:45): Tom, can you write that section? I\'ll review it Monday.',
          '[m4] Tom (16:46): Sure.',
        ].join('\n'),
      },
      output: [
        'Decisions:',
        '- VPN setup goes into the onboarding doc [m1, m2]',
        'Action items:',
        '- Tom: write the VPN section of the onboarding doc [m3, m4]',
        '- Lena: review the section on Monday [m3]',
        'Open questions:',
        '- None.',
      ].join('\n'),
    },
  ],
};
