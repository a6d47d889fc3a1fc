import { describe, expect, it } from 'vitest';
import { foldSystemIntoUser, renderChat, type ChatTurn } from '../src/chat-template.js';
import { TemplateError } from '../src/template-error.js';
import { GEMMA, LLAMA3, QWEN25 } from './fixtures/chat-templates.js';

const messages: ChatTurn[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: 'Hello.' },
  { role: 'user', content: 'Summarize.' },
];

describe('renderChat', () => {
  it('renders through the Qwen2.5 template, ending with the assistant generation prompt', () => {
    expect(renderChat(QWEN25, messages)).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n' +
        '<|im_start|>user\nSummarize.<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it("uses Qwen's default system prompt when none is given", () => {
    expect(renderChat(QWEN25, [{ role: 'user', content: 'Hi' }])).toBe(
      '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('renders through a Llama-3 template with its bos token', () => {
    expect(renderChat(LLAMA3, messages.slice(0, 2))).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it('folds the system text into the first user message when the template rejects a system role', () => {
    expect(renderChat(GEMMA, messages)).toBe(
      '<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n' +
        '<start_of_turn>user\nSummarize.<end_of_turn>\n<start_of_turn>model\n',
    );
  });

  it('reports a template that fails for other reasons as a TemplateError with the original cause', () => {
    const badTurns: ChatTurn[] = [
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ];
    expect(() => renderChat(GEMMA, badTurns)).toThrow(TemplateError);
    expect(() => renderChat(GEMMA, badTurns)).toThrow(/roles must alternate/);
  });

  it('reports a template that does not parse', () => {
    try {
      renderChat({ source: '{% for m in messages %}' }, messages);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).code).toBe('chat-template-invalid');
    }
  });
});

describe('foldSystemIntoUser', () => {
  it('leaves messages without a system message alone', () => {
    expect(foldSystemIntoUser(messages.slice(1))).toEqual(messages.slice(1));
  });

  it('makes a lone system message a user message', () => {
    expect(foldSystemIntoUser([{ role: 'system', content: 'x' }])).toEqual([{ role: 'user', content: 'x' }]);
  });

  it('puts it in a user turn of its own before turns that start with the assistant', () => {
    expect(foldSystemIntoUser([messages[0]!, ...messages.slice(2)])).toEqual([{ role: 'user', content: 'Be brief.' }, ...messages.slice(2)]);
    expect(() => renderChat(GEMMA, [messages[0]!, ...messages.slice(2)])).not.toThrow();
  });
});
