import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { catalogEntry, catalogNameOf } from './catalog.js';
import { CHAT_LM_SERVES, T5_SERVES, type Serves } from './tasks.js';

const configSchema = z.looseObject({
  model_type: z.string().optional(),
  architectures: z.array(z.string()).optional(),
  is_encoder_decoder: z.boolean().optional(),
});
const tokenizerConfigSchema = z.looseObject({ chat_template: z.unknown().optional() });

const T5_TYPES = new Set(['t5', 'mt5', 'umt5', 'longt5']);
const NOTHING: Serves = { primary: [], fallback: [] };

/**
 * What a model folder serves: the catalog's word for a curated model, else what its config.json
 * says it is (an encoder–decoder summarizes or translates, a token classifier finds entities, a
 * causal model with a chat template answers). Generative models also serve, as fallbacks, the
 * tasks they can prompt for (a T5 entities and questions, a chat model summaries, entities and
 * translation), until a model made for them is pulled.
 */
export async function servesOf(folder: string, repo: string | undefined, name: string): Promise<Serves> {
  const curated = catalogEntry(name) ?? (repo ? catalogEntry(catalogNameOf(repo) ?? '') : undefined);
  if (curated) return curated.serves;
  const config = configSchema.safeParse(await readJson(join(folder, 'config.json')));
  if (!config.success) return NOTHING;
  const tokenizerConfig = tokenizerConfigSchema.safeParse(await readJson(join(folder, 'tokenizer_config.json')));
  const hasChatTemplate = tokenizerConfig.success && tokenizerConfig.data.chat_template !== undefined;
  return inferServes(config.data, hasChatTemplate, repo ?? name);
}

export function inferServes(config: z.infer<typeof configSchema>, hasChatTemplate: boolean, repo: string): Serves {
  const architectures = config.architectures ?? [];
  const type = (config.model_type ?? '').toLowerCase();
  if (architectures.some((a) => a.endsWith('ForTokenClassification'))) return { primary: ['entities'], fallback: [] };
  if (config.is_encoder_decoder === true) {
    if (type === 'marian') {
      // opus-mt repos name their pair; a multi-target one (en-ROMANCE) serves any pair as a fallback.
      const pair = /opus-mt-([a-z]{2,3})-([a-z]{2,3})$/.exec(repo);
      return pair ? { primary: ['translate'], fallback: [], translatePair: `${pair[1]}-${pair[2]}` } : { primary: [], fallback: ['translate'], translatePair: '*' };
    }
    // T5 checkpoints follow task prefixes and few-shot prompts; BART-style summarizers only summarize.
    return T5_TYPES.has(type) ? T5_SERVES : { primary: ['summarize'], fallback: [] };
  }
  if (hasChatTemplate && architectures.some((a) => a.endsWith('ForCausalLM'))) return CHAT_LM_SERVES;
  return NOTHING;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
