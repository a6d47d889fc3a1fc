import type { Task } from '@parley/jobs';
import { SETTING_FIELDS } from '@parley/settings';
import { z } from 'zod';
import { DTYPES } from './export-files.js';

/*
 * The MODEL_REGISTRY JSON, declared once: the worker reads it (apps/worker/src/model-registry.ts)
 * and `models pull` rewrites it (registry-file.ts). Objects are loose, so fields a person added by
 * hand survive a pull; the worker takes only the fields it knows.
 */

/** One model of the registry. */
export const registryModelSchema = z.looseObject({
  /** Folder of a Hugging Face ONNX export; relative paths are relative to the registry file. */
  path: z.string().min(1),
  dtype: z.enum(DTYPES).optional(),
  /** Generation defaults for this model (the request's settings win); ranges are the settings contract's. */
  defaults: z.looseObject({ maxNewTokens: SETTING_FIELDS.maxNewTokens.schema.optional() }).optional(),
});
export type RegistryModel = z.infer<typeof registryModelSchema>;

/** Which model serves each task: a model name, or for translation a table by language pair. */
const registryTasksSchema = z.looseObject({
  summarize: z.string().optional(),
  ask: z.string().optional(),
  entities: z.string().optional(),
  /** By language pair: "en-de" → model; "*-de" or "*" for any source or any pair. */
  translate: z.record(z.string(), z.string()).optional(),
} satisfies { [T in Task]: z.ZodType });

export const modelRegistrySchema = z.looseObject({
  models: z.record(z.string(), registryModelSchema),
  tasks: registryTasksSchema,
});
export type ModelRegistryJson = z.infer<typeof modelRegistrySchema>;
export type RegistryTasks = ModelRegistryJson['tasks'];
