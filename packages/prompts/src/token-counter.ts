import { PromptError } from './prompt-errors.js';

// Counting tokens through the injected counter, and the budget checks and errors every fitting step shares.

/**
 * Counts tokens with the serving model's own tokenizer, one count per text, in one batch.
 * Implementations must be deterministic: the same text always counts the same.
 */
export type TokenCounter = (texts: readonly string[]) => Promise<number[]>;

/** One batched count, checked: as many counts as texts, each a finite number of at least 0. */
export async function countTexts(count: TokenCounter, texts: readonly string[]): Promise<number[]> {
  if (texts.length === 0) return [];
  const counts = await count(texts);
  if (counts.length !== texts.length || counts.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new PromptError(
      'INVALID_OPTION',
      `token counter returned ${counts.length} counts for ${texts.length} texts, or an invalid count`,
      'Something went wrong while measuring the conversation.',
    );
  }
  return counts;
}

export function checkBudget(budget: number, margin: number): void {
  if (!Number.isFinite(budget) || budget < 1 || !(margin >= 0 && margin < 1)) {
    throw new PromptError(
      'INVALID_OPTION',
      `invalid budget ${budget} or margin ${margin}`,
      'Something went wrong while planning the prompt.',
    );
  }
}

export function budgetTooSmall(what: string): PromptError {
  return new PromptError(
    'BUDGET_TOO_SMALL',
    `${what} does not fit the token budget`,
    "The model's context window is too small for this request.",
  );
}
