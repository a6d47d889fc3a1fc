import { Engine, type ModelInfo } from '@parley/engine';
import type { Logger } from '@parley/service-kit';
import type { ModelEntry, ModelRegistry } from './model-registry.js';

/** One Engine (one model, one thread) per registry entry, loaded once when the worker starts. */
export class EnginePool {
  private constructor(private readonly engines: Map<string, Engine>) {}

  static async start(registry: ModelRegistry, settings: { intraOpThreads?: number; executionProvider: 'cpu' | 'cuda' }, log: Logger): Promise<EnginePool> {
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

  infos(): ModelInfo[] {
    return [...this.engines.values()].map((e) => e.info);
  }

  set onCrash(handler: (reason: string) => void) {
    for (const e of this.engines.values()) e.onCrash = handler;
  }

  async close(): Promise<void> {
    await Promise.all([...this.engines.values()].map((e) => e.close()));
  }
}
