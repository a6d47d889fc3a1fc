/*
 * The generation options' vocabulary, on its own so that both folders can use it and neither
 * imports the other's: models read a model's generation_config.json into it, generation validates
 * requests against it (generation/generation-config.ts).
 */

/** What a request may set. Names follow Hugging Face's generation parameters, in camelCase. */
export interface GenerationOptions {
  maxNewTokens: number;
  minNewTokens: number;
  doSample: boolean;
  temperature: number;
  /** 0 turns top-k off. */
  topK: number;
  /** 1 turns top-p off. */
  topP: number;
  repetitionPenalty: number;
  /** 0 turns it off. */
  noRepeatNgramSize: number;
  /** Generation stops before the first occurrence of any of these; the stop text is not returned. */
  stop: string[];
  /** Makes sampling reproducible; drawn at random (and reported) when absent. */
  seed: number;
  numBeams: number;
  lengthPenalty: number;
}

/** Generation facts of the model itself (config.json + generation_config.json). */
export interface ModelGenerationDefaults {
  eosTokenIds: number[];
  padTokenId: number;
  decoderStartTokenId: number;
  forcedBosTokenId: number | null;
  forcedEosTokenId: number | null;
  /** Token sequences never to generate; a one-token entry bans that token outright. */
  badWordsIds: number[][];
  /** Options the model's generation_config.json sets (e.g. Marian's num_beams=4). */
  options: Partial<GenerationOptions>;
}
