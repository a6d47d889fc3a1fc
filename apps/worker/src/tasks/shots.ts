import type { Engine } from '@parley/engine';
import { selectShots, type Example, type ExampleBank, type RenderedPrompt } from '@parley/prompts';

/**
 * The requested number of worked examples, whole ones only, as many as fit in half the prompt
 * budget (the other half stays for the conversation). Deterministic: the same bank, shots and
 * budget give the same examples, so the chunks of one thread all use the same ones.
 */
export function chooseShots<I>(
  engine: Engine,
  bank: ExampleBank<I>,
  shots: number | undefined,
  budget: number,
  render: (examples: readonly Example<I>[]) => RenderedPrompt,
): Promise<Example<I>[]> {
  if (!shots) return Promise.resolve([]);
  return selectShots(bank, shots, async (examples) => (await engine.countTokens(render(examples).text)) <= budget / 2);
}
