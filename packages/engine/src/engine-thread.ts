import { parentPort, workerData } from 'node:worker_threads';
import { asEngineError } from './errors.js';
import { DEFAULT_LIMITS } from './generation/batch-limits.js';
import { Batcher } from './generation/batcher.js';
import { asGenerative, generateText } from './generation/run-generation.js';
import { asTokenClassifier, loadModel, type LoadedModel } from './models/load-model.js';
import { extractEntities } from './ner/extract-entities.js';
import type { FromThread, ThreadInit, ToThread } from './thread-protocol.js';

// onnxruntime's run() blocks the thread it is called on, so the model lives here, and the
// caller's event loop (queue locks, HTTP, heartbeats) keeps turning while it runs.
const port = parentPort!;
const init = workerData as ThreadInit;
const send = (message: FromThread) => port.postMessage(message);

async function load(): Promise<LoadedModel | null> {
  try {
    const model = await loadModel(init.modelDir, init.options);
    send({
      type: 'ready',
      info: {
        modelDir: init.modelDir,
        modelType: model.config.modelType,
        family: model.kind,
        maxInputTokens: model.config.maxInputTokens,
        isRandomTestModel: model.config.isRandomTestModel,
        chat: model.config.chat,
      },
    });
    return model;
  } catch (err) {
    send({ type: 'load-failed', error: asEngineError(err).toJSON() });
    return null;
  }
}

function serve(model: LoadedModel): void {
  const cancels = new Map<number, AbortController>();
  // Greedy and sampled requests join one continuous batch as they arrive. Everything else runs
  // one at a time: concurrent runs would only contend for the same cores. Messages (new
  // requests, cancels) are handled between decoding steps.
  const batcher = model.kind === 'token-classification' ? null : new Batcher(asGenerative(model), { ...DEFAULT_LIMITS, ...init.options.batch });
  let queue = Promise.resolve();
  port.on('message', (message: ToThread) => {
    if (message.type === 'cancel') {
      cancels.get(message.id)?.abort();
      return;
    }
    if (message.type === 'batch-stats') {
      send({ type: 'batch-stats', id: message.id, stats: batcher?.stats ?? { steps: 0, runs: 0, rowSteps: 0, largest: 0 } });
      return;
    }
    const controller = new AbortController();
    cancels.set(message.id, controller);
    const batched = message.type === 'generate' && batcher !== null && (message.options.numBeams ?? model.config.generation.options.numBeams ?? 1) === 1;
    const run = async () => {
      try {
        if (message.type === 'count') {
          send({ type: 'counted', id: message.id, tokens: message.texts.map((t) => model.tokenizer.encode(t).length) });
          return;
        }
        if (message.type === 'entities') {
          send({ type: 'entities', id: message.id, entities: await extractEntities(asTokenClassifier(model), message.text, message.options) });
          return;
        }
        const hooks = { signal: controller.signal, ...(message.stream && { onText: (text: string) => send({ type: 'delta', id: message.id, text }) }) };
        const result = await generateText(model, message.prompt, message.options, hooks, batched ? (request) => batcher.submit(request) : undefined);
        send({ type: 'result', id: message.id, result });
      } catch (err) {
        send({ type: 'failed', id: message.id, error: asEngineError(err).toJSON() });
      } finally {
        cancels.delete(message.id);
      }
    };
    if (batched) void run();
    else queue = queue.then(run);
  });
}

// Without a model the thread registers no listener and ends on its own, after its last message.
const model = await load();
if (model) serve(model);
