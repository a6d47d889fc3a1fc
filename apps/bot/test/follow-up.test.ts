import { describe, expect, it } from 'vitest';
import { followUpTask } from '../src/core/follow-up.js';

describe('followUpTask', () => {
  it('a question where Parley already answered is the next chat turn', () => {
    expect(followUpTask({ task: 'ask', question: 'and who owns QA?' }, true)).toEqual({ task: 'ask', question: 'and who owns QA?', chat: true });
  });

  it('a first question, or any other task, is not a follow-up', () => {
    expect(followUpTask({ task: 'ask', question: 'who owns QA?' }, false)).toBeUndefined();
    expect(followUpTask({ task: 'summarize' }, true)).toBeUndefined();
    expect(followUpTask({ task: 'translate', language: 'French' }, true)).toBeUndefined();
  });
});
