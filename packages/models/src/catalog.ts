import { CHAT_LM_SERVES, T5_SERVES, type Serves } from './tasks.js';

export interface CatalogEntry {
  /** Hugging Face repo (`owner/name`) holding an ONNX export in the Optimum / transformers.js layout. */
  repo: string;
  serves: Serves;
  about: string;
}

const opus = (source: string, target: string): CatalogEntry => ({
  repo: `Xenova/opus-mt-${source}-${target}`,
  serves: { primary: ['translate'], fallback: [], translatePair: `${source}-${target}` },
  about: `Marian translation ${source} → ${target}`,
});

/** Good defaults, by the short name `npm run models -- pull <name>` takes (also the folder name). */
export const CATALOG = {
  'flan-t5-small': {
    repo: 'Xenova/flan-t5-small',
    serves: T5_SERVES,
    about: 'small instruction-tuned T5: summaries; simple translation, entities and questions until better ones are pulled',
  },
  'flan-t5-base': {
    repo: 'Xenova/flan-t5-base',
    serves: T5_SERVES,
    about: 'instruction-tuned T5: summaries; simple translation, entities and questions until better ones are pulled',
  },
  'distilbart-cnn-6-6': { repo: 'Xenova/distilbart-cnn-6-6', serves: { primary: ['summarize'], fallback: [] }, about: 'news-style summaries (BART)' },
  'opus-mt-en-de': opus('en', 'de'),
  'opus-mt-en-fr': opus('en', 'fr'),
  'opus-mt-en-es': opus('en', 'es'),
  'opus-mt-en-it': opus('en', 'it'),
  'opus-mt-de-en': opus('de', 'en'),
  'opus-mt-fr-en': opus('fr', 'en'),
  'opus-mt-es-en': opus('es', 'en'),
  'opus-mt-it-en': opus('it', 'en'),
  'bert-base-ner': { repo: 'Xenova/bert-base-NER', serves: { primary: ['entities'], fallback: [] }, about: 'named entities (people, places, organizations)' },
  'qwen2.5-0.5b-instruct': {
    repo: 'onnx-community/Qwen2.5-0.5B-Instruct',
    serves: CHAT_LM_SERVES,
    about: 'small chat model: questions; summaries, entities and translation until better ones are pulled',
  },
} satisfies Record<string, CatalogEntry>;

export type CatalogName = keyof typeof CATALOG;

export const CATALOG_NAMES = Object.keys(CATALOG) as CatalogName[];

export function catalogEntry(name: string): CatalogEntry | undefined {
  return Object.hasOwn(CATALOG, name) ? (CATALOG as Record<string, CatalogEntry>)[name] : undefined;
}

/** The catalog name of a repo, compared case-insensitively as the hub does. */
export function catalogNameOf(repo: string): CatalogName | undefined {
  return CATALOG_NAMES.find((n) => CATALOG[n].repo.toLowerCase() === repo.toLowerCase());
}
