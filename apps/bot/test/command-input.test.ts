import { describe, expect, it } from 'vitest';
import { isCodedError } from '@parley/errors';
import { parseCommand, type CommandName } from '../src/slack/commands/command-input.js';

const LINK = 'https://parley-test.slack.invalid/archives/C0GENERAL/p1790000001000200?thread_ts=1790000000.000100&cid=C0GENERAL';
const THREAD = { kind: 'thread', thread: { channelId: 'C0GENERAL', threadTs: '1790000000.000100' } };
const parse = (command: CommandName, text: string, maxMessages = 1000) => parseCommand(command, text, { maxMessages });
const refusal = (command: CommandName, text: string, maxMessages = 1000) => {
  try {
    parse(command, text, maxMessages);
  } catch (err) {
    if (isCodedError(err)) return err;
    throw err;
  }
  throw new Error('parsed');
};

describe('/summarize: a thread link, or a window of the channel it was run in', () => {
  it.each([
    ['', { kind: 'window', window: { kind: 'last', count: 50 } }],
    ['last 100', { kind: 'window', window: { kind: 'last', count: 100 } }],
    ['since 2h', { kind: 'window', window: { kind: 'since', seconds: 7200, label: '2h' } }],
    [`<${LINK}>`, THREAD],
  ])('%j', (text, source) => {
    expect(parse('/summarize', text)).toEqual({ task: { task: 'summarize' }, source, overrides: {}, private: false });
  });

  it('settings come first, then the window', () => {
    expect(parse('/summarize', 'temperature=0.3 sample last 100')).toEqual({
      task: { task: 'summarize' },
      source: { kind: 'window', window: { kind: 'last', count: 100 } },
      overrides: { temperature: 0.3, doSample: true },
      private: false,
    });
  });

  it('the default window is bounded by the configured maximum', () => {
    expect(parse('/summarize', '', 20).source).toEqual({ kind: 'window', window: { kind: 'last', count: 20 } });
    expect(refusal('/summarize', 'last 21', 20).userMessage).toContain('from 1 to 20');
  });

  it.each([
    ['last 0', '`last` takes a number of messages from 1 to 1000'],
    ['since 3 fortnights', "I don't understand `since 3 fortnights`"],
    ['last 5 please', "I don't understand `please`"],
    ['yesterday', "I don't understand `yesterday`"],
    [`${LINK} extra`, "I don't understand `extra` next to the link"],
    ['top_p=1.5 last 5', 'top_p must be a number above 0 and at most 1 (got 1.5)'],
  ])('%j is refused with a clear message', (text, message) => {
    expect(refusal('/summarize', text).userMessage).toContain(message);
  });

  it('usage names every form', () => {
    const { userMessage } = refusal('/summarize', 'hello');
    for (const form of ['`/summarize last 100`', '`/summarize since 2h`', '`/summarize <thread link>`', 'private']) expect(userMessage).toContain(form);
  });
});

describe('the private flag', () => {
  it.each([
    ['/summarize', 'private'],
    ['/summarize', '--private'],
    ['/summarize', 'PRIVATE last 10'],
    ['/summarize', 'last 10 private'],
    ['/summarize', 'temperature=0.3 private last 10'],
    ['/summarize', `private temperature=0.3 ${LINK}`],
    ['/summarize', `${LINK} --private`],
    ['/translate', 'private German Good morning'],
    ['/translate', 'German --private Good morning'],
    ['/translate', `German ${LINK} private`],
    ['/entities', 'private Angela Merkel visits Berlin'],
    ['/entities', `${LINK} private`],
    ['/ask', 'private who owns rollback?'],
    ['/ask', 'who owns rollback? --private'],
    ['/ask', `private ${LINK} who owns rollback?`],
  ] as const)('%s %s', (command, text) => {
    const parsed = parse(command, text);
    expect(parsed.private).toBe(true);
    expect(JSON.stringify({ ...parsed, private: undefined })).not.toMatch(/private/i);
  });

  it('is off unless asked for, and a bare "private" inside the user\'s own text stays text', () => {
    expect(parse('/summarize', 'last 5').private).toBe(false);
    expect(parse('/ask', 'is the repo private').task).toEqual({ task: 'ask', question: 'is the repo private' });
    expect(parse('/ask', 'is the repo private').private).toBe(false);
    expect(parse('/translate', 'German keep this private').source).toEqual({ kind: 'text', text: 'keep this private' });
  });
});

describe('/translate', () => {
  it('<language> <text> translates the text, kept as typed', () => {
    expect(parse('/translate', 'German Good morning!\nSee you at  3pm.')).toEqual({
      task: { task: 'translate', language: 'German' },
      source: { kind: 'text', text: 'Good morning!\nSee you at  3pm.' },
      overrides: {},
      private: false,
    });
  });

  it('takes languages of several words, and codes', () => {
    expect(parse('/translate', 'Norwegian Nynorsk God morgon').task).toEqual({ task: 'translate', language: 'Norwegian Nynorsk' });
    expect(parse('/translate', 'Bahasa Indonesia selamat pagi').source).toEqual({ kind: 'text', text: 'selamat pagi' });
    expect(parse('/translate', 'pt-BR good morning').task).toEqual({ task: 'translate', language: 'pt-BR' });
    expect(parse('/translate', 'German no problem').task).toEqual({ task: 'translate', language: 'German' });
  });

  it('<language> <thread link> still translates the thread', () => {
    expect(parse('/translate', `German <${LINK}>`)).toMatchObject({ task: { task: 'translate', language: 'German' }, source: THREAD });
  });

  it('an unknown language keeps its message with suggestions', () => {
    const err = refusal('/translate', 'Germna Good morning');
    expect(err.code).toBe('UNKNOWN_LANGUAGE');
    expect(err.userMessage).toBe('I don\'t know the language "Germna". Did you mean German?');
  });

  it("a language alone means the channel's latest message; no language gets a usage hint", () => {
    expect(parse('/translate', 'German')).toMatchObject({ task: { task: 'translate', language: 'German' }, source: { kind: 'latest' } });
    expect(parse('/translate', 'private German')).toMatchObject({ source: { kind: 'latest' }, private: true });
    expect(refusal('/translate', '').userMessage).toContain('Which language');
    expect(refusal('/translate', LINK).userMessage).toContain('Which language');
  });
});

describe('/entities and /ask', () => {
  it('/entities <text> works on the text; a link still means the thread', () => {
    expect(parse('/entities', 'Angela Merkel meets Siemens in Berlin on Friday.')).toEqual({
      task: { task: 'entities' },
      source: { kind: 'text', text: 'Angela Merkel meets Siemens in Berlin on Friday.' },
      overrides: {},
      private: false,
    });
    expect(parse('/entities', LINK).source).toEqual(THREAD);
    expect(parse('/entities', '  ')).toMatchObject({ task: { task: 'entities' }, source: { kind: 'latest' } });
  });

  it('/ask <question> asks about the channel\'s last 50 messages; a window may come first', () => {
    expect(parse('/ask', 'who owns the rollback plan?')).toEqual({
      task: { task: 'ask', question: 'who owns the rollback plan?' },
      source: { kind: 'window', window: { kind: 'last', count: 50 } },
      overrides: {},
      private: false,
    });
    expect(parse('/ask', 'since 2h what was decided?')).toMatchObject({
      task: { task: 'ask', question: 'what was decided?' },
      source: { kind: 'window', window: { kind: 'since', seconds: 7200 } },
    });
    expect(parse('/ask', 'last time, who deployed?').task).toEqual({ task: 'ask', question: 'last time, who deployed?' });
    expect(parse('/ask', `${LINK} who owns rollback?`)).toMatchObject({ task: { task: 'ask', question: 'who owns rollback?' }, source: THREAD });
    expect(refusal('/ask', '').userMessage).toContain('What is your question?');
    expect(refusal('/ask', 'last 20').userMessage).toContain('What is your question?');
  });
});
