import { describe, expect, it } from 'vitest';
import { editDistance, LANGUAGES, parseLanguage, suggestLanguages } from '../src/languages.js';
import { PromptError } from '../src/prompt-errors.js';

/** Every language with an opus-mt model from English that the issue lists, by code. */
const OPUS_MT = 'de fr es it nl pt ru zh ja ko ar sv da fi no pl cs tr uk el he hi id vi th ro hu bg ca et lv lt sk sl hr sr ms fa bn ur sw tl af'.split(' ');

const unknown = (input: string): PromptError => {
  try {
    parseLanguage(input);
  } catch (e) {
    if (e instanceof PromptError) return e;
    throw e;
  }
  throw new Error(`${input} was accepted`);
};

describe('parseLanguage', () => {
  it.each([
    ['de', 'de'], ['DE', 'de'], [' de ', 'de'], ['German', 'de'], ['german', 'de'], ['GERMAN', 'de'], ['Deutsch', 'de'], ['deu', 'de'],
    ['español', 'es'], ['Español', 'es'], ['espanol', 'es'], ['Spanish', 'es'], ['castellano', 'es'],
    ['français', 'fr'], ['Francais', 'fr'], ['French', 'fr'],
    ['日本語', 'ja'], ['Japanese', 'ja'], ['中文', 'zh'], ['Chinese', 'zh'], ['Mandarin', 'zh'], ['汉语', 'zh'],
    ['русский', 'ru'], ['Русский', 'ru'], ['Russian', 'ru'],
    ['Farsi', 'fa'], ['Persian', 'fa'], ['فارسی', 'fa'],
    ['Português', 'pt'], ['portugues', 'pt'], ['Nederlands', 'nl'], ['Dutch', 'nl'], ['Flemish', 'nl'],
    ['한국어', 'ko'], ['Korean', 'ko'], ['العربية', 'ar'], ['Ελληνικά', 'el'], ['ελληνικα', 'el'], ['עברית', 'he'], ['iw', 'he'],
    ['हिन्दी', 'hi'], ['Bangla', 'bn'], ['Filipino', 'tl'], ['fil', 'tl'], ['Tagalog', 'tl'], ['Bahasa Indonesia', 'id'], ['Bahasa Melayu', 'ms'],
    ['Tiếng Việt', 'vi'], ['tieng viet', 'vi'], ['ไทย', 'th'], ['Türkçe', 'tr'], ['turkce', 'tr'], ['Українська', 'uk'], ['Čeština', 'cs'], ['cestina', 'cs'],
    ['Norsk', 'no'], ['nb', 'no'], ['Bokmål', 'no'], ['Kiswahili', 'sw'], ['Afrikaans', 'af'], ['Slovene', 'sl'], ['Srpski', 'sr'], ['Српски', 'sr'],
    ['the German language', 'de'], ['German language', 'de'], ['Lao', 'lo'],
  ])('%j → %s', (input, code) => {
    expect(parseLanguage(input).code).toBe(code);
  });

  it('returns the names and keeps region and script subtags', () => {
    expect(parseLanguage('de')).toEqual({ code: 'de', name: 'German', nativeName: 'Deutsch' });
    expect(parseLanguage('pt-BR')).toEqual({ code: 'pt', name: 'Portuguese', nativeName: 'Português', region: 'BR' });
    expect(parseLanguage('de_de')).toMatchObject({ code: 'de', region: 'DE' });
    expect(parseLanguage('es-419')).toMatchObject({ code: 'es', region: '419' });
    expect(parseLanguage('zh-hant-tw')).toMatchObject({ code: 'zh', script: 'Hant', region: 'TW' });
  });

  it('covers every opus-mt target the issue names', () => {
    for (const code of OPUS_MT) expect(parseLanguage(code).code).toBe(code);
    expect(LANGUAGES.length).toBeGreaterThanOrEqual(80);
  });

  it('finds every language by its code, English name and native name', () => {
    for (const l of LANGUAGES) {
      expect(parseLanguage(l.code).code).toBe(l.code);
      expect(parseLanguage(l.name).code).toBe(l.code);
      expect(parseLanguage(l.nativeName).code).toBe(l.code);
      expect(parseLanguage(l.name.toUpperCase()).code).toBe(l.code);
    }
  });

  it('rejects unknown languages with a suggestion', () => {
    const e = unknown('Germna');
    expect(e.code).toBe('UNKNOWN_LANGUAGE');
    expect(e.userMessage).toBe(`I don't know the language "Germna". Did you mean German?`);
    expect(unknown('Spanisch').userMessage).toContain('Did you mean Spanish?');
    expect(unknown('frensh').userMessage).toContain('French');
  });

  it('rejects input with no close match, saying what to type', () => {
    for (const input of ['Klingon', 'xx', 'zz-ZZ', '', '   ', 'english please translate this']) {
      const e = unknown(input);
      expect(e.code).toBe('UNKNOWN_LANGUAGE');
      expect(e.userMessage).toMatch(/^I don't know the language ".*"\. (Did you mean|Try a code)/);
    }
    expect(unknown('Klingon').userMessage).toContain('Try a code like "de"');
  });

  it('keeps the error message short and unable to ping', () => {
    const e = unknown(`@everyone ${'x'.repeat(200)}`);
    expect(e.userMessage.length).toBeLessThan(140);
    expect(e.userMessage).not.toContain('@everyone');
  });
});

describe('suggestLanguages', () => {
  it('offers at most three names, closest first', () => {
    expect(suggestLanguages('Germna')).toEqual(['German']);
    const many = suggestLanguages('Slovk');
    expect(many[0]).toBe('Slovak');
    expect(many.length).toBeLessThanOrEqual(3);
    expect(suggestLanguages('Itallian')).toEqual(['Italian']);
    expect(suggestLanguages('ab')).toEqual([]);
  });
});

describe('editDistance', () => {
  it('counts a swapped pair as one edit', () => {
    expect(editDistance('germna', 'german')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('日本', '日本語')).toBe(1);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });
});
