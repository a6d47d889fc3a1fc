import { describe, expect, it } from 'vitest';
import { isCodedError } from '@parley/errors';
import { parseInput } from '../src/playground/commands.js';
import { SETTING_RANGES } from '@parley/settings';
import { escapeHtml, ONLY_YOU, renderMessages, renderPage, textHtml } from '../src/playground/page.js';

const parse = (text: string) => parseInput(text, { maxMessages: 1000 });
const refusal = (text: string): string => {
  try {
    parse(text);
  } catch (err) {
    if (isCodedError(err)) return err.userMessage;
    throw err;
  }
  throw new Error(`no refusal for ${text}`);
};

describe('playground input', () => {
  it('reads the slash commands with settings first and a window', () => {
    expect(parse('/summarize')).toEqual({ kind: 'task', task: { task: 'summarize' }, source: { kind: 'context' }, overrides: {}, private: false });
    expect(parse('/summarize temperature=0.3 sample last 20')).toEqual({
      kind: 'task',
      task: { task: 'summarize' },
      source: { kind: 'context', window: { kind: 'last', count: 20 } },
      overrides: { temperature: 0.3, doSample: true },
      private: false,
    });
    expect(parse('/summarize since 2h')).toMatchObject({ source: { kind: 'context', window: { kind: 'since', seconds: 7200 } } });
    expect(parse('/summarize private last 5')).toMatchObject({ source: { kind: 'context', window: { kind: 'last', count: 5 } }, private: true });
    expect(parse('/translate German private matters')).toMatchObject({ source: { kind: 'text', text: 'private matters' }, private: false });
    // Every command takes `private` before its own text, as the README says.
    expect(parse('/translate private German Good morning')).toMatchObject({ task: { language: 'German' }, source: { kind: 'text', text: 'Good morning' }, private: true });
    expect(parse('/entities private Maya flies to Paris')).toMatchObject({ source: { kind: 'text', text: 'Maya flies to Paris' }, private: true });
    expect(parse('/entities --private')).toMatchObject({ source: { kind: 'latest' }, private: true });
    expect(parse('/summarize private')).toMatchObject({ source: { kind: 'context' }, private: true });
    expect(parse('/ask temperature=0.3 private who owns it?')).toMatchObject({ task: { question: 'who owns it?' }, overrides: { temperature: 0.3 }, private: true });
    expect(parse('/translate German Good morning')).toMatchObject({ task: { task: 'translate', language: 'German' }, source: { kind: 'text', text: 'Good morning' } });
    expect(parse('/translate french')).toMatchObject({ task: { task: 'translate', language: 'french' }, source: { kind: 'latest' } });
    expect(parse('/entities Maya flies to Lisbon on Monday')).toMatchObject({ task: { task: 'entities' }, source: { kind: 'text', text: 'Maya flies to Lisbon on Monday' } });
    expect(parse('/entities')).toMatchObject({ source: { kind: 'latest' } });
    expect(parse('/ask since 1d who owns QA?')).toMatchObject({ task: { task: 'ask', question: 'who owns QA?' }, source: { kind: 'context', window: { kind: 'since', seconds: 86_400 } } });
    expect(parse('/genconfig')).toEqual({ kind: 'genconfig', verb: 'show', args: '' });
    expect(parse('/genconfig set temperature=0.7 sample')).toEqual({ kind: 'genconfig', verb: 'set', args: 'temperature=0.7 sample' });
  });

  it('reads @Parley mentions like the chat adapters, and leaves other messages alone', () => {
    expect(parse('@Parley summarize')).toMatchObject({ kind: 'task', task: { task: 'summarize' } });
    expect(parse('@parley, translate to French')).toMatchObject({ task: { task: 'translate', language: 'French' } });
    expect(parse('@Parley who owns the rollback?')).toMatchObject({ task: { task: 'ask', question: 'who owns the rollback?' } });
    expect(parse('@Parley')).toEqual({ kind: 'help' });
    expect(parse('ship it on Friday')).toEqual({ kind: 'message' });
    expect(parse('mail parley@example.com')).toEqual({ kind: 'message' });
  });

  it('refuses what it cannot read, saying what is accepted', () => {
    expect(refusal('/summarize banana')).toMatch(/^I don't understand `banana`\. Commands: /);
    expect(refusal('/summarize last 0')).toMatch(/`last` takes a number of messages from 1 to 1000/);
    expect(refusal('/summarize since 5y')).toMatch(/I don't understand `since 5y`: use minutes, hours or days/);
    expect(refusal('/summarize temperature=0')).toMatch(/temperature must be a number above 0/);
    expect(refusal('/translate')).toMatch(/Which language/);
    expect(refusal('/ask')).toMatch(/What is your question/);
    expect(refusal('/genconfig delete')).toMatch(/I don't know `\/genconfig delete`/);
    expect(refusal('/shout hi')).toMatch(/I don't know `\/shout`/);
  });
});

describe('playground page', () => {
  it('escapes every character that could open markup or leave an attribute', () => {
    expect(escapeHtml(`<script>alert('x')</script> & "q"`)).toBe('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;');
  });

  it('renders authors, text, footers and ids escaped, and thread replies under their parent', () => {
    const html = renderMessages([
      { id: 'm1', channelId: 'general', author: '<i>Maya</i>', text: 'ship <b>Friday</b>', isBot: false, at: 1 },
      { id: 'm2', channelId: 'general', threadId: 'm1', author: 'Parley', text: '"done" <img src=x>', isBot: true, at: 2, requestId: 'r"1', state: 'done', footer: 'summarize · <1> messages' },
    ]);
    expect(html).not.toMatch(/<(i|b|img)[\s>]/);
    expect(html).toContain('&lt;i&gt;Maya&lt;/i&gt;');
    expect(html).toContain('data-request="r&quot;1"');
    expect(html).toContain('summarize · &lt;1&gt; messages');
    expect(html.indexOf('data-id="m2"')).toBeGreaterThan(html.indexOf('<div class="replies">'));
    expect(html).not.toContain(ONLY_YOU);
    expect(renderMessages([{ id: 'm3', channelId: 'general', author: 'Parley', text: 'summary', isBot: true, at: 3, private: true }])).toContain(ONLY_YOU);
  });

  it('shows `inline code` as code, and nothing else becomes markup', () => {
    expect(textHtml('Try `/summarize last 10` or `<b>`')).toBe('Try <code>/summarize last 10</code> or <code>&lt;b&gt;</code>');
    expect(textHtml('a lone ` backtick & <i>x</i>')).toBe('a lone ` backtick &amp; &lt;i&gt;x&lt;/i&gt;');
    expect(renderMessages([{ id: 'm4', channelId: 'general', author: 'Parley', text: 'Use `/help`', isBot: true, at: 4 }])).toContain('<span class="text">Use <code>/help</code></span>');
  });

  it("bounds the settings panel's fields by the settings contract, so the panel accepts what /genconfig accepts", () => {
    const html = renderPage({ channelId: 'general', channels: ['general'], messages: [], effective: { temperature: 9 }, summary: 'greedy', randomTestModel: false });
    const field = (key: string) => new RegExp(`<input type="number" id="s-${key}"[^>]*>`).exec(html)?.[0] ?? '';
    expect(field('temperature')).toContain(`max="${SETTING_RANGES.temperature.max}"`);
    expect(field('temperature')).toContain('value="9"');
    // "Above 0" cannot be an HTML minimum; the server's check answers it.
    expect(field('temperature')).not.toContain('min=');
    expect(field('maxNewTokens')).toContain(`min="${SETTING_RANGES.maxNewTokens.min}" max="${SETTING_RANGES.maxNewTokens.max}" step="1"`);
    expect(field('topK')).toContain(`max="${SETTING_RANGES.topK.max}"`);
    expect(field('shots')).toContain(`max="${SETTING_RANGES.shots.max}"`);
  });
});
