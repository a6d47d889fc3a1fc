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

export function describeServes(serves: Serves): string {
  const all = [...serves.primary, ...serves.fallback];
  if (all.length === 0) return 'nothing';
  return all.map((t) => (t === 'translate' && serves.translatePair && serves.translatePair !== '*' ? `translate ${serves.translatePair}` : t)).join(', ');
}
