/**
 * Dates and amounts, which CoNLL-style NER models (bert-base-NER: PER, ORG, LOC, MISC) do not
 * label. Patterns for the forms team chat uses: weekdays, "tomorrow", month-day dates, ISO dates,
 * and money or percentages.
 */
const DATE = new RegExp(
  [
    String.raw`\b(?:today|tomorrow|yesterday|tonight)\b`,
    String.raw`\b(?:next|last|this)\s+(?:week|month|quarter|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b`,
    String.raw`\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b`,
    String.raw`\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b`,
    String.raw`\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*(?:\s+\d{4})?\b`,
    String.raw`\b\d{4}-\d{2}-\d{2}\b`,
    String.raw`\bQ[1-4](?:\s+\d{4})?\b`,
  ].join('|'),
  'gi',
);

const AMOUNT = /(?:[$€£¥]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|bn|million|billion|thousand))?|\b\d[\d,]*(?:\.\d+)?\s?(?:%|percent|usd|eur|gbp|dollars|euros|pounds)\b)/gi;

export function findDatesAndAmounts(text: string): { type: 'DATE' | 'AMOUNT'; text: string }[] {
  const found: { type: 'DATE' | 'AMOUNT'; text: string; at: number }[] = [];
  for (const m of text.matchAll(DATE)) found.push({ type: 'DATE', text: m[0], at: m.index });
  for (const m of text.matchAll(AMOUNT)) found.push({ type: 'AMOUNT', text: m[0].trim(), at: m.index });
  return found.sort((a, b) => a.at - b.at).map(({ type, text: t }) => ({ type, text: t }));
}
