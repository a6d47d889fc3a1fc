import { Worker } from 'node:worker_threads';
import { EngineError } from './errors.js';
import type { BatchStats } from './generation/batcher.js';
import type { GenerationOptions } from './generation-options.js';
import type { TextGenerationResult } from './generation/run-generation.js';
import type { LoadOptions } from './load-options.js';
import type { Entity } from './ner/aggregate.js';
import type { EntityOptions } from './ner/extract-entities.js';
import { PieceQueue } from './piece-queue.js';
import type { FromThread, ModelInfo, ThreadInit, ToThread } from './thread-protocol.js';

interface Pending {
  resolve: (value: never) => void;
  reject: (err: EngineError) => void;
  onDelta?: (text: string) => void;
}

/** A streamed generation: iterate it for text pieces; `result` settles with the whole result. */
export interface TextStreamHandle extends AsyncIterable<string> {
  result: Promise<TextGenerationResult>;
}

/**
 * A loaded model running on its own thread. Start it once per process and share it; requests
 * are served in order.
 */
export class Engine {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private exitReason: string | null = null;

  /** Called once if the generation thread dies while the engine is not being closed. */
  onCrash: (reason: string) => void = () => {};

  private constructor(
    private readonly thread: Worker,
    readonly info: ModelInfo,
  ) {
    thread.on('message', (message: FromThread) => {
      if (message.type === 'ready' || message.type === 'load-failed') return;
      const waiter = this.pending.get(message.id);
      if (message.type === 'delta') {
        waiter?.onDelta?.(message.text);
        return;
      }
      this.pending.delete(message.id);
      if (message.type === 'failed') waiter?.reject(EngineError.fromJSON(message.error));
      else waiter?.resolve(resultOf(message) as never);
    });
    thread.on('error', (err) => this.stopped(`generation thread crashed: ${err.message}`));
    thread.on('exit', (code) => this.stopped(`generation thread exited with code ${code}`));
  }

  /** Loads the model folder on a new thread; rejects with an EngineError if it cannot. */
  static start(modelDir: string, options: LoadOptions = {}): Promise<Engine> {
    const init: ThreadInit = { modelDir, options };
    const thread = new Worker(new URL('./engine-thread.js', import.meta.url), { workerData: init });
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromThread) => {
        if (message.type === 'ready') {
          cleanup();
          resolve(new Engine(thread, message.info));
        } else if (message.type === 'load-failed') {
          cleanup();
          void thread.terminate();
          reject(EngineError.fromJSON(message.error));
        }
      };
      const failed = (reason: string) => {
        cleanup();
        reject(new EngineError('MODEL_INVALID', `model thread failed to start: ${reason}`, 'The model could not be loaded.'));
      };
      const onError = (err: Error) => failed(err.message);
      const onExit = (code: number) => failed(`it exited with code ${code} before loading ${modelDir}`);
      const cleanup = () => {
        thread.off('message', onMessage);
        thread.off('error', onError);
        thread.off('exit', onExit);
      };
      thread.on('message', onMessage);
      thread.on('error', onError);
      thread.on('exit', onExit);
    });
  }

  /** Generates a reply to `prompt` with the model's defaults overlaid by `options`. */
  generate(prompt: string, options: Partial<GenerationOptions> = {}, signal?: AbortSignal): Promise<TextGenerationResult> {
    return this.request<TextGenerationResult>((id) => ({ type: 'generate', id, prompt, options, stream: false }), undefined, signal);
  }

  /**
   * Like generate, but yields the text as it is produced. The pieces join to exactly
   * `result.text`. Aborting `signal` ends the generation early (finishReason 'aborted').
   */
  stream(prompt: string, options: Partial<GenerationOptions> = {}, signal?: AbortSignal): TextStreamHandle {
    const pieces = new PieceQueue();
    const result = this.request<TextGenerationResult>((id) => ({ type: 'generate', id, prompt, options, stream: true }), (t) => pieces.push(t), signal);
    result.then(
      () => pieces.end(),
      (err: unknown) => pieces.fail(err),
    );
    return { result, [Symbol.asyncIterator]: () => pieces.iterator() };
  }

  /**
   * Named entities in `text` (token-classification models), with character offsets into `text`
   * as JavaScript (UTF-16) string indices.
   */
  extractEntities(text: string, options: EntityOptions = {}): Promise<Entity[]> {
    return this.request<Entity[]>((id) => ({ type: 'entities', id, text, options }));
  }

  /** How the thread's continuous batch has run so far: steps, rows per step, the largest batch. */
  batchStats(): Promise<BatchStats> {
    return this.request<BatchStats>((id) => ({ type: 'batch-stats', id }));
  }

  /** Tokens the model's own tokenizer makes of `text`, special tokens included. */
  async countTokens(text: string): Promise<number> {
    return (await this.countTokensMany([text]))[0]!;
  }

  /** Token counts of many texts in one round trip to the model's thread. */
  countTokensMany(texts: readonly string[]): Promise<number[]> {
    return this.request<number[]>((id) => ({ type: 'count', id, texts: [...texts] }));
  }

  private request<T>(message: (id: number) => ToThread, onDelta?: (text: string) => void, signal?: AbortSignal): Promise<T> {
    if (this.closed) return Promise.reject(new EngineError('ENGINE_CLOSED', 'engine is closed', 'The worker is shutting down.'));
    if (this.exitReason) return Promise.reject(this.failure(this.exitReason));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject, ...(onDelta && { onDelta }) });
      this.thread.postMessage(message(id));
      if (signal) {
        const cancel = () => this.thread.postMessage({ type: 'cancel', id } satisfies ToThread);
        if (signal.aborted) cancel();
        else signal.addEventListener('abort', cancel, { once: true });
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.thread.terminate();
  }

  private stopped(reason: string): void {
    if (this.exitReason) return;
    this.exitReason = reason;
    for (const waiter of this.pending.values()) waiter.reject(this.failure(reason));
    this.pending.clear();
    if (!this.closed) this.onCrash(reason);
  }

  private failure(reason: string): EngineError {
    return new EngineError('ENGINE_FAILURE', reason, 'The model failed while generating a reply.');
  }
}

function resultOf(message: Exclude<FromThread, { type: 'ready' | 'load-failed' | 'delta' | 'failed' }>): unknown {
  switch (message.type) {
    case 'result':
      return message.result;
    case 'counted':
      return message.tokens;
    case 'entities':
      return message.entities;
    case 'batch-stats':
      return message.stats;
  }
}
