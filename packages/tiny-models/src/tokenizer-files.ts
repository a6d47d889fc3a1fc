/** The SentencePiece-style (Unigram + Metaspace) tokenizer files of a T5 export, with a small vocabulary. */

const WORDS = `the of and to a in is it you that he was for on are with as i his they be at one have this from or had by
not word but what some we can out other were all there when up use your how said an each she which do their time if will
way about many then them write would like so these her long make thing see him two has look more day could go come did
number no most people my over know water than call first who may down side been now find any new work part take get place
made live where after back little only round man year came show every good me give our under name very through just form
sentence great think say help low line differ turn cause much mean before move right boy old too same tell does set three
want air well also play small end put home read hand port large spell add even land here must big high such follow act why
ask men change went light kind off need house picture try us again animal point mother world near build self earth father
team meeting release deploy bug fix ship plan review launch budget customer design test issue deadline friday monday
tuesday wednesday thursday agreed decided todo action owner question summary thread channel update status blocked done
yes ok thanks please let's we'll i'll can't don't won't`.split(/\s+/).filter(Boolean);

const SUFFIXES = ['s', 'ed', 'ing', 'er', 'ly', 'es', 'tion', 'ment', 'ness', "'s", "n't"];
const CHARS = [
  ...'abcdefghijklmnopqrstuvwxyz',
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ...'0123456789',
  ...`.,:;!?'"()[]{}<>-_/\\@#$%&*+=|~\``,
];

export const SPECIAL_TOKENS = { pad: '<pad>', eos: '</s>', unk: '<unk>' } as const;

export function buildVocab(): [string, number][] {
  const vocab: [string, number][] = [
    [SPECIAL_TOKENS.pad, 0],
    [SPECIAL_TOKENS.eos, 0],
    [SPECIAL_TOKENS.unk, 0],
    ['▁', -3],
  ];
  const seen = new Set(vocab.map(([p]) => p));
  const push = (piece: string, score: number) => {
    if (!seen.has(piece)) {
      seen.add(piece);
      vocab.push([piece, score]);
    }
  };
  WORDS.forEach((w, rank) => push(`▁${w}`, -5 - rank * 0.005));
  SUFFIXES.forEach((s) => push(s, -8));
  CHARS.forEach((c) => push(c, -10));
  CHARS.forEach((c) => push(`▁${c}`, -10.5));
  return vocab;
}

const metaspace = { type: 'Metaspace', replacement: '▁', add_prefix_space: true, prepend_scheme: 'always', split: true };

function addedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

export function tokenizerJson(vocab: [string, number][]): object {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [addedToken(0, SPECIAL_TOKENS.pad), addedToken(1, SPECIAL_TOKENS.eos), addedToken(2, SPECIAL_TOKENS.unk)],
    normalizer: null,
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: SPECIAL_TOKENS.eos, type_id: 0 } }],
      pair: [
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: SPECIAL_TOKENS.eos, type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: SPECIAL_TOKENS.eos, type_id: 0 } },
      ],
      special_tokens: { [SPECIAL_TOKENS.eos]: { id: SPECIAL_TOKENS.eos, ids: [1], tokens: [SPECIAL_TOKENS.eos] } },
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: 2, vocab, byte_fallback: false },
  };
}

export function tokenizerConfigJson(maxLength: number): object {
  return {
    tokenizer_class: 'T5Tokenizer',
    model_max_length: maxLength,
    eos_token: SPECIAL_TOKENS.eos,
    pad_token: SPECIAL_TOKENS.pad,
    unk_token: SPECIAL_TOKENS.unk,
    clean_up_tokenization_spaces: true,
    added_tokens_decoder: Object.fromEntries(
      [SPECIAL_TOKENS.pad, SPECIAL_TOKENS.eos, SPECIAL_TOKENS.unk].map((c, i) => [String(i), addedToken(i, c)]),
    ),
  };
}
