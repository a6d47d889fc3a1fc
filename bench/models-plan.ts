/**
 * What `npm run bench:models` measures: each task's recommended model (built with random weights at
 * the real model's dimensions), the 50-message thread, and each task's unit of work planned the way
 * the worker plans it (apps/worker/src/tasks/*.ts, mirrored here with the same @parley/prompts
 * calls, since a benchmark does not import an app).
 *
 * Token counts: the random models' tokenizers are small made-up vocabularies, so they cut English
 * into far more pieces than the real ones (about 1.7 characters a token against about 4). Every
 * budget decision (one pass or map-reduce, the chunks, the reduce levels, what fits the window) is
 * made on an estimate of the real tokenizer's count, CHARS_PER_TOKEN characters a token; each
 * prompt is then cut to exactly that many tokens of the random tokenizer before it is run, so the
 * model sees as many tokens as the real one would.
 */
import { readJson, readModelConfig } from '@parley/engine/internals';
import * as fixtures from '@parley/tiny-models';
import {
  chunkMessages,
  familyFor,
  fenceAsData,
  fitRecentMessages,
  protectSpans,
  reduceSummaries,
  renderAsk,
  renderConversation,
  renderSummarize,
  renderSummarizeReduce,
  renderTranslate,
  type ChatTemplateSpec,
  type PromptFamily,
  type ThreadMessage,
} from '@parley/prompts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Characters per token of the real tokenizers on English chat text: the estimate every count here uses. */
export const CHARS_PER_TOKEN = 4;
/** The bot's default length of an answer (MAX_NEW_TOKENS), which every job carries unless a setting says otherwise. */
export const MAX_NEW_TOKENS = 128;
/** German comes out about this much longer than the English it translates, in tokens (an assumption, not a measurement). */
export const TRANSLATION_LENGTH_RATIO = 1.15;
/** Jobs one worker holds at once (WORKER_CONCURRENCY's default): a flow's chunk jobs decode in one batch. */
export const WORKER_CONCURRENCY = 8;
export const ASK_QUESTION = 'What did we decide about the invoices migration, and who owns it?';

export type TaskKey = 'summarize' | 'entities' | 'translate' | 'ask';

/** Parley run as the worker runs the task; the peer one call at a time. */
export const WORKER_MODE = 'as the worker does';
export const PEER_MODE = 'one at a time';

/** Parley's mode that does the same work as the peer (same prompts, same decoding, one call at a time). */
export function sameWorkMode(task: TaskKey): string {
  return task === 'summarize' ? 'one at a time' : task === 'translate' ? 'greedy' : WORKER_MODE;
}

export interface ModelSubject {
  task: TaskKey;
  /** The catalog name (`npm run models -- pull <name>`). */
  model: string;
  repo: string;
  family: 'seq2seq' | 'causal' | 'token-classification';
  /** The real model's dimensions, as its config.json has them. */
  dimensions: Record<string, number | string>;
  /** Tokens the tokenizer adds to any text (</s>, [CLS] … [SEP]). */
  specialTokens: number;
  /** Timed units per engine (each after one short warm-up call). */
  rounds: number;
  build: (cacheDir: string) => Promise<string>;
}

export const SUBJECTS: readonly ModelSubject[] = [
  {
    task: 'summarize',
    model: 'flan-t5-small',
    repo: 'Xenova/flan-t5-small',
    family: 'seq2seq',
    dimensions: { layers: '8 + 8', d_model: 512, heads: '6 × 64', d_ff: '1024 gated-GELU', vocab: 32128, positions: 512 },
    specialTokens: 1,
    rounds: 2,
    build: (cacheDir) => fixtures.ensureTinySeq2Seq({ cacheDir, ...fixtures.FLAN_T5_SMALL_REAL }),
  },
  {
    task: 'entities',
    model: 'bert-base-ner',
    repo: 'Xenova/bert-base-NER',
    family: 'token-classification',
    dimensions: { layers: 12, hidden: 768, heads: 12, intermediate: 3072, vocab: 28996, positions: 512, labels: 9 },
    specialTokens: 2,
    rounds: 2,
    build: (cacheDir) => fixtures.ensureTinyTokenClassifier({ cacheDir, variant: 'bert', ...fixtures.BERT_BASE_NER_REAL }),
  },
  {
    task: 'translate',
    model: 'opus-mt-en-de',
    repo: 'Xenova/opus-mt-en-de',
    family: 'seq2seq',
    dimensions: { layers: '6 + 6', d_model: 512, heads: 8, ffn: 2048, vocab: 58101, positions: 512, embeddings: 'tied' },
    specialTokens: 1,
    rounds: 1,
    build: (cacheDir) => fixtures.ensureTinySeq2Seq({ cacheDir, ...fixtures.OPUS_MT_EN_DE_REAL }),
  },
  {
    task: 'ask',
    model: 'qwen2.5-0.5b-instruct',
    repo: 'onnx-community/Qwen2.5-0.5B-Instruct',
    family: 'causal',
    dimensions: { layers: 24, hidden: 896, heads: '14 (2 KV)', intermediate: 4864, vocab: 151936, positions: 32768, embeddings: 'tied' },
    specialTokens: 0,
    rounds: 1,
    build: (cacheDir) => fixtures.ensureTinyCausalLM({ cacheDir, ...fixtures.QWEN2_5_0_5B_INSTRUCT_REAL }),
  },
];

/** Five more messages closing the playground's 45-message sample thread, to make 50. */
const MORE_MESSAGES = [
  { author: 'Omar', text: 'Backfill dry run on a copy of production finished overnight: 40.2 million rows in 3 h 10 min, no lock longer than 200 ms.' },
  { author: 'Priya', text: 'Reviewed the backfill PR, two small comments on the batch size constant. Approving once those are in.' },
  { author: 'Sam', text: 'Regression suite is green on the release branch. I will run the smoke tests again after the final merge on Wednesday.' },
  { author: 'Ana', text: 'The third customer replied from holiday and switched their SAML metadata URL to https, so all three are done.' },
  { author: 'Maya', text: 'Final checklist is posted in the release doc. Owners: Omar backfill, Jonas mobile, Lena docs, Ana customers, Sam QA.' },
];

/** The playground's sample thread (45 messages) plus five more: 50 messages, as the worker receives them. */
export async function fiftyMessages(root: string): Promise<ThreadMessage[]> {
  const sample = JSON.parse(await readFile(join(root, 'apps/bot/src/playground/sample-thread.json'), 'utf8')) as { author: string; text: string }[];
  return [...sample, ...MORE_MESSAGES].map((m, i) => ({ id: `m${i + 1}`, author: m.author, text: m.text, isBot: false }));
}

/** What the engine would report of the model (ModelInfo), read from the export's files as the engine reads them. */
export interface ExportInfo {
  modelType: string;
  maxInputTokens: number;
  chat: ChatTemplateSpec | null;
}

/** Read with the engine's own reader of config.json and tokenizer_config.json, without loading the model. */
export function exportInfo(dir: string): ExportInfo {
  const config = readModelConfig(join(dir, 'config.json'), null, readJson(join(dir, 'tokenizer_config.json')));
  const chat = config.chat && { source: config.chat.template, ...(config.chat.bosToken && { bosToken: config.chat.bosToken }), ...(config.chat.eosToken && { eosToken: config.chat.eosToken }) };
  return { modelType: config.modelType, maxInputTokens: config.maxInputTokens, chat };
}

/** apps/worker/src/tasks/prompting.ts templateOptions, from ExportInfo. */
function templateOptions(info: ExportInfo): { family: PromptFamily; chat?: ChatTemplateSpec; fence: (text: string) => string } {
  return {
    family: familyFor({ modelType: info.modelType, hasChatTemplate: info.chat !== null, isTranslationModel: info.modelType === 'marian' }),
    ...(info.chat && { chat: info.chat }),
    fence: (text) => fenceAsData(text, 'thread').text,
  };
}

/** The real tokenizer's count of `text`, estimated from its length. */
export function estimateTokens(text: string, specialTokens: number): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN) + specialTokens;
}

/** One model call of a unit: a prompt, the tokens the real tokenizer would make of it, and the tokens to generate (0: classify). */
export interface Call {
  prompt: string;
  tokens: number;
  newTokens: number;
}

/** Calls that run together (a flow's chunk jobs, held by one worker at once) or one after another (a job's loop). */
export interface Stage {
  label: string;
  concurrent: boolean;
  calls: Call[];
}

export interface Plan {
  task: TaskKey;
  /** One line saying what the unit is and how the worker does it. */
  unit: string;
  stages: Stage[];
  /** The model's window as the worker budgets it, and how many of the sample's messages it holds (estimated). */
  window: { tokens: number; messages: number | null; note: string };
}

/** A summary as the next reduce level sees it: MAX_NEW_TOKENS real tokens of text (the length every run is forced to). */
function standInSummary(seed: string): string {
  const length = MAX_NEW_TOKENS * CHARS_PER_TOKEN;
  return seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
}

/** apps/worker/src/tasks/summarize.ts: one pass if the thread fits the window, else chunk jobs in a flow and a reduce job. */
async function summarizePlan(s: ModelSubject, info: ExportInfo, messages: ThreadMessage[]): Promise<Plan> {
  const options = templateOptions(info);
  const budget = s.family === 'causal' ? info.maxInputTokens - MAX_NEW_TOKENS : info.maxInputTokens;
  const est = (text: string) => estimateTokens(text, s.specialTokens);
  const count = (texts: readonly string[]) => Promise.resolve(texts.map(est));
  const thread = (ms: readonly ThreadMessage[], firstRef = 1) =>
    renderSummarize({ conversation: renderConversation(ms, { firstRef }).text }, { ...options, examples: [] }).text;
  const call = (prompt: string): Call => ({ prompt, tokens: est(prompt), newTokens: MAX_NEW_TOKENS });
  let fits = 0;
  while (fits < messages.length && est(thread(messages.slice(0, fits + 1))) <= budget) fits++;
  const window = { tokens: budget, messages: fits, note: `the first ${fits} of the 50 messages fit one prompt` };

  const whole = thread(messages);
  if (est(whole) <= budget) return { task: s.task, unit: `one summary of 50 messages in one pass, ${MAX_NEW_TOKENS} new tokens`, stages: [{ label: 'one pass', concurrent: false, calls: [call(whole)] }], window };

  const chunks = await chunkMessages(messages, { budget, count, render: (ms) => thread(ms, 1) });
  let firstRef = 1;
  const map: Stage = { label: 'map: chunk jobs', concurrent: true, calls: [] };
  for (const chunk of chunks) {
    map.calls.push(call(thread(chunk.messages, firstRef)));
    firstRef += chunk.messages.length;
  }
  const stages: Stage[] = [map];
  const render = (texts: readonly string[]) => renderSummarizeReduce({ partials: texts }, { family: options.family, ...(options.chat && { chat: options.chat }) }).text;
  const result = await reduceSummaries(
    chunks.map((c) => standInSummary(c.messages.map((m) => m.text).join(' '))),
    {
      budget,
      count,
      render,
      summarize: (groups, level) => {
        stages.push({ label: `reduce level ${level + 1}`, concurrent: false, calls: groups.map((g) => call(render(g))) });
        return Promise.resolve(groups.map((g) => standInSummary(g.join(' '))));
      },
    },
  );
  const runs = stages.reduce((n, st) => n + st.calls.length, 0);
  return {
    task: s.task,
    unit: `one summary of 50 messages: map-reduce as the worker does it (${chunks.length} chunk jobs decoded in one batch, then ${result.levels} reduce level${result.levels === 1 ? '' : 's'}; ${runs} runs of ${MAX_NEW_TOKENS} new tokens)`,
    stages,
    window,
  };
}

/** apps/worker/src/tasks/entities.ts with a token classifier: every message through extractEntities, one after another. */
function entitiesPlan(s: ModelSubject, info: ExportInfo, messages: ThreadMessage[]): Plan {
  const calls = messages.filter((m) => !m.isBot && m.text.trim() !== '').map((m) => ({ prompt: m.text, tokens: estimateTokens(m.text, s.specialTokens), newTokens: 0 }));
  return {
    task: s.task,
    unit: '50 messages through the token classifier, one at a time (aggregation "simple")',
    stages: [{ label: 'per message', concurrent: false, calls }],
    window: { tokens: info.maxInputTokens, messages: null, note: 'each message on its own' },
  };
}

/** apps/worker/src/tasks/translate.ts: every message, spans protected, rendered and generated one after another. */
function translatePlan(s: ModelSubject, info: ExportInfo, messages: ThreadMessage[]): Plan {
  const options = templateOptions(info);
  const calls = messages
    .filter((m) => !m.isBot && m.text.trim() !== '')
    .map((m) => {
      const prompt = renderTranslate({ text: protectSpans(m.text).text, sourceLanguage: 'English', targetLanguage: 'German' }, { family: options.family, ...(options.chat && { chat: options.chat }), examples: [] }).text;
      const tokens = estimateTokens(prompt, s.specialTokens);
      // The translation's own tokens, then </s>.
      return { prompt, tokens, newTokens: Math.min(MAX_NEW_TOKENS, Math.ceil((tokens - s.specialTokens) * TRANSLATION_LENGTH_RATIO) + 1) };
    });
  const newTokens = calls.reduce((n, c) => n + c.newTokens, 0);
  return {
    task: s.task,
    unit: `50 messages translated en → de, one at a time (${newTokens} decoder steps in all: ${TRANSLATION_LENGTH_RATIO}× each message's tokens, then </s>)`,
    stages: [{ label: 'per message', concurrent: false, calls }],
    window: { tokens: info.maxInputTokens, messages: null, note: 'each message on its own' },
  };
}

/** apps/worker/src/tasks/ask.ts: the most recent messages that fit the window, one question, one generation. */
async function askPlan(s: ModelSubject, info: ExportInfo, messages: ThreadMessage[]): Promise<Plan> {
  const options = templateOptions(info);
  const budget = s.family === 'causal' ? info.maxInputTokens - MAX_NEW_TOKENS : info.maxInputTokens;
  const est = (text: string) => estimateTokens(text, s.specialTokens);
  const render = (ms: readonly ThreadMessage[]) => renderAsk({ conversation: renderConversation(ms).text, question: ASK_QUESTION }, { ...options, examples: [] }).text;
  const fitted = await fitRecentMessages(messages, render, (text) => Promise.resolve(est(text)), budget);
  const prompt = render(fitted.messages);
  const empty = est(render([]));
  const perMessage = (est(render(messages)) - empty) / messages.length;
  const holds = fitted.messages.length < messages.length ? fitted.messages.length : Math.floor((budget - empty) / perMessage);
  return {
    task: s.task,
    unit: `one question over the ${fitted.messages.length} most recent messages, ${MAX_NEW_TOKENS} new tokens`,
    stages: [{ label: 'one answer', concurrent: false, calls: [{ prompt, tokens: est(prompt), newTokens: MAX_NEW_TOKENS }] }],
    window: {
      tokens: budget,
      messages: holds,
      note: fitted.messages.length < messages.length ? `the ${holds} most recent messages fit` : `all 50 fit; about ${holds} messages like these would`,
    },
  };
}

export function planFor(s: ModelSubject, info: ExportInfo, messages: ThreadMessage[]): Promise<Plan> {
  switch (s.task) {
    case 'summarize':
      return summarizePlan(s, info, messages);
    case 'entities':
      return Promise.resolve(entitiesPlan(s, info, messages));
    case 'translate':
      return Promise.resolve(translatePlan(s, info, messages));
    case 'ask':
      return askPlan(s, info, messages);
  }
}
