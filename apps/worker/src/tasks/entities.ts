import type { Engine } from '@parley/engine';
import type { EntitiesJob, ReplyOutcome } from '@parley/jobs';
import { ENTITIES_BANK, parseEntityLines, renderEntities } from '@parley/prompts';
import { chooseShots } from './shots.js';
import { findDatesAndAmounts } from './dates-amounts.js';
import { addRun, NO_RUN, runGeneration, type GenerationRun } from './generation-run.js';
import { successOutcome } from './success-outcome.js';
import { templateOptions } from './prompting.js';
import { engineFor, promptBudget, type TaskContext } from './task-context.js';

/** CoNLL labels onto the types Parley reports. */
const NER_TYPES: Record<string, string> = { PER: 'PERSON', ORG: 'ORG', LOC: 'PLACE', MISC: 'MISC' };
const ORDER = ['PERSON', 'ORG', 'PLACE', 'DATE', 'AMOUNT', 'MISC'];

type Found = { type: string; text: string }[];

/**
 * People, organisations, places, dates and amounts, grouped by type and counted, each with the
 * ids of the messages it was found in. A token-classification model is the default; a model
 * without one gets the generative few-shot prompt. Dates and amounts come from patterns too.
 */
export async function extractEntities(ctx: TaskContext, data: EntitiesJob): Promise<ReplyOutcome> {
  const { model, engine } = engineFor(ctx, 'entities');
  const messages = data.messages.filter((m) => !m.isBot && m.text.trim() !== '');
  const groups = new Map<string, Map<string, { text: string; count: number; messageIds: Set<string> }>>();
  let total = NO_RUN;
  let template = 'entities/token-classification@1';
  let used: string[] = [];
  for (const m of messages) {
    const found: Found = [];
    if (engine.info.family === 'token-classification') {
      for (const e of await engine.extractEntities(m.text, { aggregation: 'simple' })) {
        const type = NER_TYPES[e.entity_group ?? ''] ?? e.entity_group ?? 'MISC';
        found.push({ type, text: e.word });
      }
    } else {
      const run = await generative(engine, m.text, data.generation);
      template = run.template;
      used = run.examples;
      total = addRun(total, run);
      found.push(...parseEntityLines(run.text).filter((e) => e.type !== 'DATE' && e.type !== 'AMOUNT'));
    }
    found.push(...findDatesAndAmounts(m.text));
    for (const { type, text } of found) {
      const byText = groups.get(type) ?? new Map();
      groups.set(type, byText);
      const key = text.toLowerCase();
      const item = byText.get(key) ?? { text, count: 0, messageIds: new Set<string>() };
      item.count++;
      item.messageIds.add(m.id);
      byText.set(key, item);
    }
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b));
  return successOutcome({
    task: 'entities',
    text: ordered.length
      ? ordered.map(([type, items]) => `${type}: ${[...items.values()].map((i) => i.text).join(', ')}`).join('\n')
      : 'No people, organisations, places, dates or amounts found.',
    details: {
      kind: 'entities',
      method: engine.info.family === 'token-classification' ? 'token-classifier' : 'generative',
      groups: ordered.map(([type, items]) => ({
        type,
        items: [...items.values()].sort((a, b) => b.count - a.count).map((i) => ({ text: i.text, count: i.count, messageIds: [...i.messageIds] })),
      })),
    },
    model,
    engine,
    covered: messages.length,
    inThread: messages.length,
    generation: data.generation,
    run: total,
    prompt: { template, examples: used },
  });
}

function rank(type: string): number {
  const i = ORDER.indexOf(type);
  return i === -1 ? ORDER.length : i;
}

async function generative(engine: Engine, text: string, generation: EntitiesJob['generation']): Promise<GenerationRun & { template: string; examples: string[] }> {
  const { family, chat } = templateOptions(engine);
  const options = { family, ...(chat && { chat }) };
  const examples = await chooseShots(engine, ENTITIES_BANK, generation.shots, promptBudget(engine, generation.maxNewTokens), (ex) =>
    renderEntities({ text: '' }, { ...options, examples: ex }),
  );
  const prompt = renderEntities({ text }, { ...options, examples });
  return { ...(await runGeneration(engine, prompt.text, generation, prompt.stop)), template: prompt.template, examples: prompt.examples };
}
