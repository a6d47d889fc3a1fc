import { describe, expect, it } from 'vitest';
import { renderSummarizePrompt, renderTranscript, SUMMARIZE_TEMPLATE, type ChatMessage } from '../src/index.js';

const msg = (id: string, author: string, text: string, isBot = false): ChatMessage => ({ id, author, text, isBot });

describe('renderTranscript', () => {
  it('writes one "author: text" line per message, in thread order', () => {
    expect(renderTranscript([msg('1', 'Maya', 'Ship Friday?'), msg('2', 'Omar', 'Yes.')])).toBe('Maya: Ship Friday?\nOmar: Yes.');
  });

  it('folds line breaks and runs of spaces inside a message, so one message stays one line', () => {
    expect(renderTranscript([msg('1', 'Lena', '  notes:\n\n- item one\t and   two  ')])).toBe('Lena: notes: - item one and two');
  });

  it('leaves out messages with no text', () => {
    expect(renderTranscript([msg('1', 'Maya', '   '), msg('2', 'Omar', 'ok')])).toBe('Omar: ok');
  });
});

describe('renderSummarizePrompt (zero-shot, T5 task prefix)', () => {
  it('prefixes the transcript with "summarize: " and records the template version', () => {
    const prompt = renderSummarizePrompt([msg('1', 'Maya', 'Release on Friday.'), msg('2', 'Omar', 'I fix the bug.')]);
    expect(prompt).toEqual({
      text: 'summarize: Maya: Release on Friday.\nOmar: I fix the bug.',
      template: SUMMARIZE_TEMPLATE,
    });
    expect(SUMMARIZE_TEMPLATE).toMatch(/@\d+$/);
  });
});
