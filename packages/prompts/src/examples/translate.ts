import type { ExampleBank } from './bank.js';

/**
 * Text to translate, with language names as a person would write them. Code, mentions, links and
 * emoji have been replaced by placeholders such as {0} (see protect-spans.ts), which the translation keeps in place.
 */
export interface TranslateExampleInput {
  text: string;
  sourceLanguage: string;
  targetLanguage: string;
}

export const TRANSLATE_BANK: ExampleBank<TranslateExampleInput> = {
  task: 'translate',
  version: 1,
  examples: [
    {
      id: 'en-de-deploy-placeholder',
      input: { text: 'The deploy is done, {0} please check the dashboard.', sourceLanguage: 'English', targetLanguage: 'German' },
      output: 'Das Deployment ist fertig, {0} bitte prüf das Dashboard.',
    },
    {
      id: 'en-es-meeting',
      input: { text: 'Can we move the meeting to Thursday at 3pm?', sourceLanguage: 'English', targetLanguage: 'Spanish' },
      output: '¿Podemos mover la reunión al jueves a las 15:00?',
    },
    {
      id: 'en-fr-code-placeholder',
      input: { text: 'Run {0} before you push, otherwise the build fails.', sourceLanguage: 'English', targetLanguage: 'French' },
      output: 'Lance {0} avant de pousser, sinon le build échoue.',
    },
    {
      id: 'de-en-thanks-link',
      input: { text: 'Danke! Die Notizen liegen hier: {0} {1}', sourceLanguage: 'German', targetLanguage: 'English' },
      output: 'Thanks! The notes are here: {0} {1}',
    },
  ],
};
