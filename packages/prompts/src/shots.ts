import type { Example, ExampleBank } from './examples/bank.js';
import type { RenderedPrompt } from './rendered-prompt.js';
import { TemplateError } from './template-error.js';

export type FitsCheck<T> = (value: T) => boolean | Promise<boolean>;

/**
 * The first `shots` examples of the bank, in bank order, with whole examples dropped from the end
 * until `fits` accepts them. Zero examples are returned without asking: a bare prompt that does
 * not fit is the caller's budget problem, not a shot problem.
 */
export async function selectShots<I>(
  bank: ExampleBank<I>,
  shots: number,
  fits: FitsCheck<readonly Example<I>[]>,
): Promise<Example<I>[]> {
  if (!Number.isInteger(shots) || shots < 0) {
    throw new TemplateError('invalid-shots', `Shot count must be a whole number ≥ 0, got ${shots}.`, 'The shot count setting must be 0 or more.');
  }
  for (let n = Math.min(shots, bank.examples.length); n > 0; n--) {
    const chosen = bank.examples.slice(0, n);
    if (await fits(chosen)) return chosen;
  }
  return [];
}

/** Renders with as many of the requested shots as fit, judged on the whole rendered prompt. */
export async function renderWithShots<I>(
  bank: ExampleBank<I>,
  shots: number,
  render: (examples: readonly Example<I>[]) => RenderedPrompt,
  fits: FitsCheck<RenderedPrompt>,
): Promise<RenderedPrompt> {
  const chosen = await selectShots(bank, shots, (examples) => fits(render(examples)));
  return render(chosen);
}
