import { Worker } from 'node:worker_threads';
import { EngineError } from './errors.js';
import type { GenerationResult } from './generate.js';
import { validateGenerationOptions, type GenerationOptions } from './generation-options.js';
import type { SessionSettings } from './session.js';
import type { FromThread, ModelInfo, ThreadInit, ToThread } from './thread-protocol.js';

interface Pending {
  resolve: (value: never) => void;
  reject: (err: EngineError) => void;
}

/**
 * A loaded model running on its own thread. Start it once per process and share it; calls are
 * served in order.
 */
export class Engine {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private exitReason: string | null = null;

  private constructor(
    private readonly thread: Worker,
    readonly info: ModelInfo,
  ) {
    thread.on('message', (message: FromThread) => {
      if (message.type === 'ready' || message.type === 'load-failed') return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'failed') waiter?.reject(EngineError.fromJSON(message.error));
      else waiter?.resolve((message.type === 'result' ? message.result : message.tokens) as never);
    });
    thread.on('error', (err) => this.stopped(`generation thread crashed: ${err.message}`));
    thread.on('exit', (code) => this.stopped(`generation thread exited with code ${code}`));
  }

  /** Called once if the generation thread dies while the engine is not being closed. */
  onCrash: (reason: string) => void = () => {};

  /** Loads the model folder on a new thread; rejects with an EngineError if it cannot. */
  static start(modelDir: string, settings: SessionSettings = {}): Promise<Engine> {
    const init: ThreadInit = { modelDir, settings };
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

  generate(prompt: string, options: Partial<GenerationOptions> = {}): Promise<GenerationResult> {
    const validated = validateGenerationOptions(options);
    return this.request<GenerationResult>((id) => ({ type: 'generate', id, prompt, options: { ...validated } }));
  }

  /** Tokens the model's own tokenizer makes of `text`, special tokens included. */
  countTokens(text: string): Promise<number> {
    return this.request<number>((id) => ({ type: 'count', id, text }));
  }

  private request<T>(message: (id: number) => ToThread): Promise<T> {
    if (this.closed) return Promise.reject(new EngineError('ENGINE_CLOSED', 'engine is closed', 'The worker is shutting down.'));
    if (this.exitReason) return Promise.reject(this.failure(this.exitReason));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      this.thread.postMessage(message(id));
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
