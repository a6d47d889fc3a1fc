import { UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { NoModelError } from '../src/model-registry.js';
import { askData, failingWith } from './failing-processor.js';

const job = (data: unknown, attemptsMade: number, attempts: number) =>
  ({ id: 'j1', data, attemptsMade, opts: { attempts }, timestamp: 1_000, processedOn: 3_500, updateProgress: () => Promise.resolve() }) as unknown as Job;

describe('the processor reports each attempt to its observer', () => {
  it('a transient failure with attempts left is "retried", and the error still reaches BullMQ unchanged', async () => {
    const boom = new Error('redis blip');
    const { process, reports, sent } = failingWith(boom);
    await expect(process(job(askData, 0, 2))).rejects.toBe(boom);
    expect(reports).toEqual([{ task: 'ask', result: 'retried', durationMs: expect.any(Number), queuedMs: 2_500 }]);
    expect(sent).toEqual([]);
  });

  it('the same failure on the last attempt is "failed", and the user gets the generic reply', async () => {
    const { process, reports, sent } = failingWith(new Error('redis blip'));
    await expect(process(job(askData, 1, 2))).rejects.toThrow('redis blip');
    expect(reports.map((r) => r.result)).toEqual(['failed']);
    expect(sent).toEqual([expect.objectContaining({ ok: false, code: 'WORKER_FAILURE' })]);
  });

  it('a permanent failure is "failed" on its first attempt', async () => {
    const { process, reports } = failingWith(new NoModelError('ask', 'No model is set up for ask.'));
    await expect(process(job(askData, 0, 3))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(reports.map((r) => [r.task, r.result])).toEqual([['ask', 'failed']]);
  });

  it('an invalid payload is counted under task "invalid"', async () => {
    const { process, reports } = failingWith(new Error('unused'));
    await expect(process(job({ task: 'bogus' }, 0, 3))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(reports.map((r) => [r.task, r.result])).toEqual([['invalid', 'failed']]);
  });
});
