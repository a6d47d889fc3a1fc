import { EngineError } from '@parley/engine';
import { ParleyError } from '@parley/errors';
import { PromptError } from '@parley/prompts';
import { UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { NoModelError } from '../src/model-registry.js';
import { classify, GENERIC_FAILURE } from '../src/processor.js';
import { askData, failingWith } from './failing-processor.js';

const firstOfThree = { id: 'j1', data: askData, attemptsMade: 0, opts: { attempts: 3 }, timestamp: 1_000, processedOn: 1_500, updateProgress: () => Promise.resolve() } as unknown as Job;

describe('the retry policy reads the coded-error shape', () => {
  it('a permanent coded error is not retried: BullMQ gets an UnrecoverableError and the user its message at once', async () => {
    const { process, reports, sent } = failingWith(new ParleyError('PROMPT_TOO_LONG', 'The input is too long for this model.', { permanent: true }));
    await expect(process(firstOfThree)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(reports.map((r) => r.result)).toEqual(['failed']);
    expect(sent).toEqual([{ ok: false, code: 'PROMPT_TOO_LONG', userMessage: 'The input is too long for this model.' }]);
  });

  it('a non-permanent coded error is retried: the error reaches BullMQ unchanged and the user hears nothing yet', async () => {
    const busy = new ParleyError('ENGINE_CLOSED', 'The model is restarting.', { permanent: false });
    const { process, reports, sent } = failingWith(busy);
    await expect(process(firstOfThree)).rejects.toBe(busy);
    expect(reports.map((r) => r.result)).toEqual(['retried']);
    expect(sent).toEqual([]);
  });

  it('decides by the fields, not the class: plain data from a thread or another package counts the same', async () => {
    const fromThread = { code: 'MODEL_INVALID', userMessage: 'The model for this task could not be loaded.', permanent: true, message: 'bad graph' };
    const { process, reports, sent } = failingWith(fromThread);
    await expect(process(firstOfThree)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(reports.map((r) => r.result)).toEqual(['failed']);
    expect(sent).toEqual([{ ok: false, code: 'MODEL_INVALID', userMessage: 'The model for this task could not be loaded.' }]);
  });

  it('classifies each package’s errors by their own flag, and anything else as the generic, retryable failure', () => {
    expect(classify(new NoModelError('ask', 'No model is set up for ask.'))).toEqual({ code: 'NO_MODEL', userMessage: 'No model is set up for ask.', permanent: true });
    expect(classify(new PromptError('BUDGET_TOO_SMALL', 'x', 'Too small.'))).toEqual({ code: 'BUDGET_TOO_SMALL', userMessage: 'Too small.', permanent: true });
    expect(classify(new PromptError('INVALID_OPTION', 'x', 'Retry.', { permanent: false })).permanent).toBe(false);
    // The engine's errors arrive from its thread as data, rebuilt by fromJSON: their flag follows their code.
    const tooLong = EngineError.fromJSON(new EngineError('PROMPT_TOO_LONG', 'prompt has 900 tokens', 'The input is too long.').toJSON());
    expect(classify(tooLong)).toEqual({ code: 'PROMPT_TOO_LONG', userMessage: 'The input is too long.', permanent: true });
    expect(classify(new EngineError('ENGINE_FAILURE', 'boom', 'The model failed.')).permanent).toBe(false);
    const generic = { code: 'WORKER_FAILURE', userMessage: GENERIC_FAILURE, permanent: false };
    expect(classify(new Error('redis blip'))).toEqual(generic);
    // Half a shape is no shape: without `permanent` nothing says whether a retry helps.
    expect(classify({ code: 'X', userMessage: 'y' })).toEqual(generic);
    expect(classify('a string')).toEqual(generic);
  });
});
