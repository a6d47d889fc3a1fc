import { parentPort, workerData } from 'node:worker_threads';
import { asEngineError } from './errors.js';
import { generateGreedy } from './generate.js';
import { validateGenerationOptions } from './generation-options.js';
import { Seq2SeqModel } from './seq2seq-model.js';
import type { FromThread, ThreadInit, ToThread } from './thread-protocol.js';

// onnxruntime's run() blocks the thread it is called on, so the model lives here, and the
// caller's event loop (queue locks, HTTP, heartbeats) keeps turning while it runs.
const port = parentPort!;
const init = workerData as ThreadInit;
const send = (message: FromThread) => port.postMessage(message);

async function load(): Promise<Seq2SeqModel | null> {
  try {
    const model = await Seq2SeqModel.load(init.modelDir, init.settings);
    send({
      type: 'ready',
      info: {
        modelDir: init.modelDir,
        modelType: model.config.modelType,
        maxInputTokens: model.config.maxInputTokens,
        isRandomTestModel: model.config.isRandomTestModel,
      },
    });
    return model;
  } catch (err) {
    send({ type: 'load-failed', error: asEngineError(err).toJSON() });
    return null;
  }
}

function serve(model: Seq2SeqModel): void {
  // One request at a time: concurrent runs would only contend for the same cores.
  let queue = Promise.resolve();
  port.on('message', (message: ToThread) => {
    queue = queue.then(async () => {
      try {
        if (message.type === 'count') {
          send({ type: 'counted', id: message.id, tokens: model.tokenizer.encode(message.text).length });
          return;
        }
        const options = validateGenerationOptions(message.options);
        const result = await generateGreedy(model, model.tokenizer.encode(message.prompt), options);
        send({ type: 'result', id: message.id, result });
      } catch (err) {
        send({ type: 'failed', id: message.id, error: asEngineError(err).toJSON() });
      }
    });
  });
}

// Without a model the thread registers no listener and ends on its own, after its last message.
const model = await load();
if (model) serve(model);
