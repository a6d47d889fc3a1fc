import type { ReplyOutcome, TranslateJob } from '@parley/jobs';
import { defangMentions, parseLanguage, protectSpans, renderTranslate, TRANSLATE_BANK } from '@parley/prompts';
import { chooseShots } from './shots.js';
import { addRun, NO_RUN, runGeneration } from './generation-run.js';
import { successOutcome } from './success-outcome.js';
import { templateOptions } from './prompting.js';
import { engineFor, promptBudget, type TaskContext } from './task-context.js';

/**
 * Translate each message into the language the user named. Code, links, mentions and emoji are
 * swapped for placeholders first and put back after, so the model cannot change them. The
 * source is taken to be English; a model per language pair comes from the registry.
 */
export async function translate(ctx: TaskContext, data: TranslateJob): Promise<ReplyOutcome> {
  const language = parseLanguage(data.language);
  const { model, engine } = engineFor(ctx, 'translate', { source: 'en', target: language.code, targetName: language.name });
  const { family, chat } = templateOptions(engine);
  const options = { family, ...(chat && { chat }) };
  const pair = { sourceLanguage: 'English', targetLanguage: language.name };
  const examples = await chooseShots(engine, TRANSLATE_BANK, data.generation.shots, promptBudget(engine, data.generation.maxNewTokens), (ex) =>
    renderTranslate({ text: '', ...pair }, { ...options, examples: ex }),
  );
  const messages = data.messages.filter((m) => !m.isBot && m.text.trim() !== '');
  let total = NO_RUN;
  let template = '';
  let used: string[] = [];
  const lines: string[] = [];
  for (const m of messages) {
    const protectedText = protectSpans(m.text);
    const prompt = renderTranslate({ text: protectedText.text, ...pair }, { ...options, examples });
    template = prompt.template;
    used = prompt.examples;
    const run = await runGeneration(engine, prompt.text, data.generation, prompt.stop);
    total = addRun(total, run);
    const translated = defangMentions(protectedText.restore(run.text.trim()));
    lines.push(messages.length === 1 ? translated : `${m.author}: ${translated}`);
  }
  return successOutcome({
    task: 'translate',
    text: lines.join('\n'),
    details: { kind: 'translation', language: { code: language.code, name: language.name } },
    model,
    engine,
    covered: messages.length,
    inThread: messages.length,
    generation: data.generation,
    run: total,
    prompt: { template, examples: used },
  });
}
