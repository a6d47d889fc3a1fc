/**
 * One worked example for in-context learning. An id never changes meaning: editing an example's
 * text gives it a new id, so the ids a prompt records are enough to reproduce it.
 */
export interface Example<I> {
  id: string;
  input: I;
  output: string;
}

/** The examples for one task, in the order shots are taken. `version` goes up on every change. */
export interface ExampleBank<I> {
  task: string;
  version: number;
  examples: readonly Example<I>[];
}
