import type { ExampleBank } from './bank.js';

export interface EntitiesExampleInput {
  text: string;
}

/**
 * The generative fallback answers on one line: `TYPE: text` pairs joined by " | ", types PERSON,
 * ORG, PLACE, DATE and AMOUNT, in order of appearance, a type repeated for each entity of that
 * type, and the single word NONE when there is nothing to report. `parseEntityLines` reads it.
 */
export const ENTITIES_BANK: ExampleBank<EntitiesExampleInput> = {
  task: 'entities',
  version: 1,
  examples: [
    {
      id: 'invoice-acme-berlin',
      input: { text: 'Maya sent Acme the $300 invoice from Berlin on Friday.' },
      output: 'PERSON: Maya | ORG: Acme | AMOUNT: $300 | PLACE: Berlin | DATE: Friday',
    },
    {
      id: 'two-people-meeting',
      input: { text: 'Omar and Lena will meet the Globex team in Lisbon on March 3.' },
      output: 'PERSON: Omar | PERSON: Lena | ORG: Globex | PLACE: Lisbon | DATE: March 3',
    },
    {
      id: 'nothing-to-extract',
      input: { text: 'lgtm, merging now 👍' },
      output: 'NONE',
    },
    {
      id: 'budget-euros',
      input: { text: 'Finance approved €12,500 for the Q3 offsite.' },
      output: 'ORG: Finance | AMOUNT: €12,500 | DATE: Q3',
    },
    {
      id: 'customer-call',
      input: { text: 'Priya is calling Initech tomorrow about the Toronto office.' },
      output: 'PERSON: Priya | ORG: Initech | DATE: tomorrow | PLACE: Toronto',
    },
  ],
};
