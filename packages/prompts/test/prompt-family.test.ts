import { describe, expect, it } from 'vitest';
import { familyFor } from '../src/prompt-family.js';
import { TemplateError } from '../src/template-error.js';

describe('familyFor', () => {
  it.each([
    [{ modelType: 't5', hasChatTemplate: false }, 't5'],
    [{ modelType: 'mt5', hasChatTemplate: false }, 't5'],
    [{ modelType: 't5', hasChatTemplate: true }, 't5'],
    [{ modelType: 'marian', hasChatTemplate: false, isTranslationModel: true }, 'marian'],
    [{ modelType: 'qwen2', hasChatTemplate: true }, 'chat'],
    [{ modelType: 'llama', hasChatTemplate: true }, 'chat'],
    [{ modelType: 'bart', hasChatTemplate: false }, 'seq2seq-plain'],
    [{ modelType: 'pegasus', hasChatTemplate: false }, 'seq2seq-plain'],
    [{ modelType: 'm2m_100', hasChatTemplate: false, isTranslationModel: true }, 'marian'],
  ] as const)('%o → %s', (info, family) => {
    expect(familyFor(info)).toBe(family);
  });

  it('refuses a base model with no chat template and no known prompt shape', () => {
    expect(() => familyFor({ modelType: 'gpt2', hasChatTemplate: false })).toThrow(TemplateError);
  });
});
