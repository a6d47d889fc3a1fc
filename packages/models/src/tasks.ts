import type { Task } from '@parley/jobs';

/** The tasks the worker serves: the job contract's list. */
export type { Task };

/**
 * What a model can do. `primary` tasks are pointed at the model when it is pulled (the newest pull
 * wins); `fallback` tasks only when nothing serves them yet. A translator names its language pair
 * (`en-de`), or `*` for any pair.
 */
export interface Serves {
  primary: readonly Task[];
  fallback: readonly Task[];
  translatePair?: string;
}

/**
 * T5 checkpoints (flan-t5): summaries first; translation with a task prefix, entities and questions
 * with few-shot prompts, until a model made for them is pulled.
 */
export const T5_SERVES: Serves = { primary: ['summarize'], fallback: ['translate', 'entities', 'ask'], translatePair: '*' };

/** Causal LMs with a chat template: questions first; summaries, entities and any translation until a model made for them is pulled. */
export const CHAT_LM_SERVES: Serves = { primary: ['ask'], fallback: ['summarize', 'entities', 'translate'], translatePair: '*' };

export function describeServes(serves: Serves): string {
  const all = [...serves.primary, ...serves.fallback];
  if (all.length === 0) return 'nothing';
  return all.map((t) => (t === 'translate' && serves.translatePair && serves.translatePair !== '*' ? `translate ${serves.translatePair}` : t)).join(', ');
}
