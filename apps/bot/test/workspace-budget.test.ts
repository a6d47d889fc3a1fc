import { describe, expect, it } from 'vitest';
import { WorkspaceBudget } from '../src/slack/replies/workspace-budget.js';

describe('WorkspaceBudget: a per-workspace rolling minute', () => {
  it('lets a burst up to the tier through at once, then waits until the oldest call leaves the minute', () => {
    let now = 0;
    const budget = new WorkspaceBudget(3, () => now);
    expect([budget.take('T1'), budget.take('T1'), budget.take('T1')]).toEqual([true, true, true]);
    expect(budget.take('T1')).toBe(false);
    now = 10_000;
    expect(budget.waitMs('T1')).toBe(50_000);
    now = 60_001;
    expect(budget.take('T1')).toBe(true);
    expect(budget.take('T1')).toBe(true);
    expect(budget.take('T1')).toBe(true);
    expect(budget.take('T1')).toBe(false);
  });

  it('never lets more than the tier into any 60 s', () => {
    let now = 0;
    const budget = new WorkspaceBudget(5, () => now);
    const taken: number[] = [];
    for (now = 0; now < 300_000; now += 700) if (budget.take('T1')) taken.push(now);
    for (const t of taken) expect(taken.filter((u) => u > t - 60_000 && u <= t).length).toBeLessThanOrEqual(5);
    expect(taken.length).toBeGreaterThanOrEqual(25);
  });

  it('keeps workspaces apart, and a 429 pauses only its workspace for as long as Slack said', () => {
    let now = 0;
    const budget = new WorkspaceBudget(100, () => now);
    budget.pause('T1', 2000);
    expect(budget.take('T1')).toBe(false);
    expect(budget.take('T2')).toBe(true);
    now = 1500;
    expect(budget.waitMs('T1')).toBe(500);
    now = 2000;
    expect(budget.take('T1')).toBe(true);
  });
});
