import { Engine, type BatchStats, type LoadOptions, type ModelInfo } from '@parley/engine';
import type { Logger } from '@parley/service-kit';
import type { ModelEntry, ModelRegistry } from './model-registry.js';

/**
 * One Engine (one model, one thread) per registry entry, loaded once when the worker starts.
 * Jobs the worker holds at once call their model's engine concurrently; its thread decodes them
 * in one continuous batch.
 */
export class EnginePool {
  private readonly crashes = new Map<string, string>();
  private crashHandler: (reason: string) => void = () => {};

  private constructor(private readonly engines: Map<string, Engine>) {
    for (const [name, engine] of engines) {
      engine.onCrash = (reason) => {
        this.crashes.set(name, reason);
        this.crashHandler(reason);
      };
    }
  }

  static async start(registry: ModelRegistry, settings: Pick<LoadOptions, 'intraOpThreads' | 'executionProvider' | 'batch'>, log: Logger): Promise<EnginePool> {
    const engines = new Map<string, Engine>();
    try {
      for (const model of registry.models) {
        const engine = await Engine.start(model.path, { ...settings, ...(model.dtype && { dtype: model.dtype }) });
        engines.set(model.name, engine);
        log.info({ model: model.name, info: engine.info }, 'model loaded');
        if (engine.info.isRandomTestModel) log.warn({ model: model.name }, 'this is the random-weight test model: its replies are random text');
      }
    } catch (err) {
      await Promise.all([...engines.values()].map((e) => e.close()));
      throw err;
    }
    return new EnginePool(engines);
  }

  engine(model: ModelEntry): Engine {
    return this.engines.get(model.name)!;
  }

  /** Each loaded model's batching totals, by registry name. */
  async batchStats(): Promise<{ model: string; stats: BatchStats }[]> {
    return Promise.all([...this.engines].map(async ([model, engine]) => ({ model, stats: await engine.batchStats() })));
  }

  infos(): ModelInfo[] {
    return [...this.engines.values()].map((e) => e.info);
  }

  set onCrash(handler: (reason: string) => void) {
    this.crashHandler = handler;
  }

  /** Models whose generation thread has died, with why. */
  crashed(): { model: string; reason: string }[] {
    return [...this.crashes].map(([model, reason]) => ({ model, reason }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.engines.values()].map((e) => e.close()));
  }
}
