import { CATALOG, CATALOG_NAMES, catalogNameOf } from './catalog.js';
import { ModelsError, UnknownModelError } from './errors.js';

export interface ModelRef {
  /** Folder and registry name: the catalog's short name, or `owner--name` for any other repo. */
  name: string;
  repo: string;
}

const REPO = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;

/** `flan-t5-base` (a catalog name) or `Xenova/flan-t5-base` (any hub repo). */
export function resolveModelRef(input: string): ModelRef {
  const ref = input.trim();
  if (ref.includes('/')) {
    if (!REPO.test(ref) || ref.includes('..')) throw new ModelsError('BAD_ARGUMENTS', `"${ref}" is not a Hugging Face repo name (owner/name).`);
    return { name: catalogNameOf(ref) ?? ref.replace('/', '--'), repo: ref };
  }
  const name = CATALOG_NAMES.find((n) => n === ref.toLowerCase());
  if (!name) throw new UnknownModelError(ref, CATALOG_NAMES);
  return { name, repo: CATALOG[name].repo };
}
