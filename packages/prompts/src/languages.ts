import { defangMentions } from './output-safety.js';
import { PromptError } from './prompt-errors.js';

export interface Language {
  /** ISO 639-1 code, lower case. */
  code: string;
  /** English name. */
  name: string;
  /** The language's name for itself. */
  nativeName: string;
  /** Region subtag when one was given (`pt-BR` → `BR`). */
  region?: string;
  /** Script subtag when one was given (`zh-Hant` → `Hant`). */
  script?: string;
}

type Row = readonly [code: string, name: string, nativeName: string, ...aliases: string[]];

/**
 * ISO 639-1 code, English name, native name, then other names people type: ISO 639-2/3 codes,
 * older codes (iw, in, ji), alternative English names and spellings.
 */
const ROWS: readonly Row[] = [
  ['en', 'English', 'English', 'eng'],
  ['de', 'German', 'Deutsch', 'deu', 'ger'],
  ['fr', 'French', 'Français', 'fra', 'fre', 'francais'],
  ['es', 'Spanish', 'Español', 'spa', 'castellano', 'castilian'],
  ['it', 'Italian', 'Italiano', 'ita'],
  ['nl', 'Dutch', 'Nederlands', 'nld', 'dut', 'flemish', 'vlaams'],
  ['pt', 'Portuguese', 'Português', 'por'],
  ['ru', 'Russian', 'Русский', 'rus', 'russkiy'],
  ['zh', 'Chinese', '中文', 'zho', 'chi', 'mandarin', 'putonghua', '汉语', '漢語', '普通话', '华语', '简体中文', '繁體中文', 'simplified chinese', 'traditional chinese'],
  ['ja', 'Japanese', '日本語', 'jpn', 'jap', 'nihongo'],
  ['ko', 'Korean', '한국어', 'kor', '조선말', 'hangugeo'],
  ['ar', 'Arabic', 'العربية', 'ara', 'عربي'],
  ['sv', 'Swedish', 'Svenska', 'swe'],
  ['da', 'Danish', 'Dansk', 'dan'],
  ['fi', 'Finnish', 'Suomi', 'fin'],
  ['no', 'Norwegian', 'Norsk', 'nor', 'nb', 'nob', 'bokmal', 'norwegian bokmal', 'norsk bokmal'],
  ['nn', 'Norwegian Nynorsk', 'Nynorsk', 'nno', 'norsk nynorsk'],
  ['pl', 'Polish', 'Polski', 'pol'],
  ['cs', 'Czech', 'Čeština', 'ces', 'cze', 'cesky'],
  ['sk', 'Slovak', 'Slovenčina', 'slk', 'slo'],
  ['sl', 'Slovenian', 'Slovenščina', 'slv', 'slovene'],
  ['hr', 'Croatian', 'Hrvatski', 'hrv'],
  ['sr', 'Serbian', 'Српски', 'srp', 'srpski'],
  ['bs', 'Bosnian', 'Bosanski', 'bos'],
  ['mk', 'Macedonian', 'Македонски', 'mkd', 'mac'],
  ['bg', 'Bulgarian', 'Български', 'bul'],
  ['uk', 'Ukrainian', 'Українська', 'ukr'],
  ['be', 'Belarusian', 'Беларуская', 'bel'],
  ['tr', 'Turkish', 'Türkçe', 'tur'],
  ['el', 'Greek', 'Ελληνικά', 'ell', 'gre'],
  ['he', 'Hebrew', 'עברית', 'heb', 'iw', 'ivrit'],
  ['yi', 'Yiddish', 'ייִדיש', 'yid', 'ji'],
  ['hi', 'Hindi', 'हिन्दी', 'hin', 'हिंदी'],
  ['bn', 'Bengali', 'বাংলা', 'ben', 'bangla'],
  ['ur', 'Urdu', 'اردو', 'urd'],
  ['pa', 'Punjabi', 'ਪੰਜਾਬੀ', 'pan', 'panjabi'],
  ['gu', 'Gujarati', 'ગુજરાતી', 'guj'],
  ['mr', 'Marathi', 'मराठी', 'mar'],
  ['ta', 'Tamil', 'தமிழ்', 'tam'],
  ['te', 'Telugu', 'తెలుగు', 'tel'],
  ['kn', 'Kannada', 'ಕನ್ನಡ', 'kan'],
  ['ml', 'Malayalam', 'മലയാളം', 'mal'],
  ['ne', 'Nepali', 'नेपाली', 'nep'],
  ['si', 'Sinhala', 'සිංහල', 'sin', 'sinhalese'],
  ['fa', 'Persian', 'فارسی', 'fas', 'per', 'farsi'],
  ['ps', 'Pashto', 'پښتو', 'pus'],
  ['ku', 'Kurdish', 'Kurdî', 'kur'],
  ['id', 'Indonesian', 'Bahasa Indonesia', 'ind', 'in', 'indonesia'],
  ['ms', 'Malay', 'Bahasa Melayu', 'msa', 'may', 'melayu'],
  ['tl', 'Tagalog', 'Tagalog', 'tgl', 'fil', 'filipino', 'pilipino', 'wikang filipino'],
  ['vi', 'Vietnamese', 'Tiếng Việt', 'vie'],
  ['th', 'Thai', 'ไทย', 'tha', 'ภาษาไทย'],
  ['km', 'Khmer', 'ខ្មែរ', 'khm', 'cambodian'],
  ['lo', 'Lao', 'ລາວ', 'lao', 'laotian'],
  ['my', 'Burmese', 'မြန်မာ', 'mya', 'bur', 'myanmar'],
  ['ro', 'Romanian', 'Română', 'ron', 'rum', 'moldovan'],
  ['hu', 'Hungarian', 'Magyar', 'hun'],
  ['ca', 'Catalan', 'Català', 'cat', 'valencian'],
  ['gl', 'Galician', 'Galego', 'glg'],
  ['eu', 'Basque', 'Euskara', 'eus', 'baq'],
  ['et', 'Estonian', 'Eesti', 'est'],
  ['lv', 'Latvian', 'Latviešu', 'lav', 'lettish'],
  ['lt', 'Lithuanian', 'Lietuvių', 'lit'],
  ['is', 'Icelandic', 'Íslenska', 'isl', 'ice'],
  ['ga', 'Irish', 'Gaeilge', 'gle', 'irish gaelic'],
  ['gd', 'Scottish Gaelic', 'Gàidhlig', 'gla', 'gaelic'],
  ['cy', 'Welsh', 'Cymraeg', 'cym', 'wel'],
  ['mt', 'Maltese', 'Malti', 'mlt'],
  ['sq', 'Albanian', 'Shqip', 'sqi', 'alb'],
  ['hy', 'Armenian', 'Հայերեն', 'hye', 'arm'],
  ['ka', 'Georgian', 'ქართული', 'kat', 'geo'],
  ['az', 'Azerbaijani', 'Azərbaycan dili', 'aze', 'azeri', 'azerbaijan', 'azərbaycanca'],
  ['kk', 'Kazakh', 'Қазақ тілі', 'kaz', 'qazaq'],
  ['uz', 'Uzbek', 'Oʻzbekcha', 'uzb', 'ozbek'],
  ['ky', 'Kyrgyz', 'Кыргызча', 'kir', 'kirghiz'],
  ['mn', 'Mongolian', 'Монгол', 'mon'],
  ['af', 'Afrikaans', 'Afrikaans', 'afr'],
  ['sw', 'Swahili', 'Kiswahili', 'swa', 'swh'],
  ['am', 'Amharic', 'አማርኛ', 'amh'],
  ['so', 'Somali', 'Soomaali', 'som'],
  ['ha', 'Hausa', 'Hausa', 'hau'],
  ['yo', 'Yoruba', 'Yorùbá', 'yor'],
  ['ig', 'Igbo', 'Igbo', 'ibo'],
  ['zu', 'Zulu', 'isiZulu', 'zul'],
  ['xh', 'Xhosa', 'isiXhosa', 'xho'],
  ['mg', 'Malagasy', 'Malagasy', 'mlg'],
  ['ht', 'Haitian Creole', 'Kreyòl ayisyen', 'hat', 'haitian', 'kreyol'],
  ['eo', 'Esperanto', 'Esperanto', 'epo'],
  ['la', 'Latin', 'Latina', 'lat'],
];

/** Lower case, accents and other combining marks removed, whitespace folded. */
function normalize(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[\s_]+/g, ' ').trim();
}

const BY_CODE = new Map<string, Row>();
const BY_NAME = new Map<string, Row>();
for (const row of ROWS) {
  const [code, name, nativeName, ...aliases] = row;
  BY_CODE.set(code, row);
  for (const alias of [name, nativeName, ...aliases]) {
    const key = normalize(alias);
    if (/^[a-z]{2,3}$/.test(key) && alias === alias.toLowerCase() && alias.length <= 3) BY_CODE.set(key, row);
    else BY_NAME.set(key, row);
  }
}

/** Every language `parseLanguage` knows, in table order. */
export const LANGUAGES: readonly Language[] = ROWS.map(([code, name, nativeName]) => ({ code, name, nativeName }));

const TAG = /^([a-z]{2,3})(?:[-_]([a-z]{4}))?(?:[-_]([a-z]{2}|\d{3}))?$/i;

function toLanguage(row: Row, region?: string, script?: string): Language {
  const [code, name, nativeName] = row;
  return {
    code,
    name,
    nativeName,
    ...(region !== undefined && { region: region.toUpperCase() }),
    ...(script !== undefined && { script: script[0]!.toUpperCase() + script.slice(1).toLowerCase() }),
  };
}

/**
 * A language named by code (`de`, `DE`, `de-DE`, `pt-BR`, `zh-Hant-TW`, `deu`), English name,
 * native name or common alias (`Mandarin`, `Farsi`), ignoring case and accents. Throws
 * `PromptError('UNKNOWN_LANGUAGE')` with up to three suggestions.
 */
export function parseLanguage(input: string): Language {
  const trimmed = input.trim();
  const tag = TAG.exec(trimmed);
  if (tag) {
    const row = BY_CODE.get(tag[1]!.toLowerCase());
    if (row) return toLanguage(row, tag[3], tag[2]);
  }
  const key = normalize(trimmed)
    .replace(/^(?:the )?(.*?)(?: language)?$/, '$1')
    .trim();
  const row = BY_NAME.get(key) ?? BY_CODE.get(key);
  if (row) return toLanguage(row);
  throw unknownLanguage(input, key);
}

function unknownLanguage(input: string, key: string): PromptError {
  const shown = defangMentions(input.replace(/\s+/g, ' ').trim().slice(0, 40));
  const names = suggestLanguages(key);
  const hint =
    names.length === 0
      ? 'Try a code like "de" or a name like "German".'
      : `Did you mean ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`}?`;
  return new PromptError(
    'UNKNOWN_LANGUAGE',
    `unknown language ${JSON.stringify(input)}`,
    `I don't know the language "${shown}". ${hint}`,
  );
}

/** Up to three English names of languages whose names are a few edits away from `input`. */
export function suggestLanguages(input: string, max = 3): string[] {
  const key = normalize(input);
  if (key.length < 3) return [];
  const limit = key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3;
  const best = new Map<string, { name: string; distance: number }>();
  for (const [alias, row] of BY_NAME) {
    const distance = editDistance(key, alias, limit);
    const seen = best.get(row[0]);
    if (distance <= limit && (seen === undefined || distance < seen.distance)) best.set(row[0], { name: row[1], distance });
  }
  return [...best.values()]
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((s) => s.name);
}

/**
 * Damerau–Levenshtein (optimal string alignment) distance over code points, so a swapped pair
 * ("Germna") costs one edit. Returns `limit + 1` early when the lengths alone exceed `limit`.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const s = [...a];
  const t = [...b];
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[t.length]!;
}
