export type EntityType = 'PERSON' | 'ORG' | 'PLACE' | 'DATE' | 'AMOUNT';

export interface EntityMention {
  type: EntityType;
  text: string;
}

const TYPE_NAMES: Readonly<Record<string, EntityType>> = {
  PERSON: 'PERSON',
  PER: 'PERSON',
  PEOPLE: 'PERSON',
  ORG: 'ORG',
  ORGANIZATION: 'ORG',
  ORGANISATION: 'ORG',
  COMPANY: 'ORG',
  PLACE: 'PLACE',
  LOC: 'PLACE',
  LOCATION: 'PLACE',
  GPE: 'PLACE',
  DATE: 'DATE',
  TIME: 'DATE',
  AMOUNT: 'AMOUNT',
  MONEY: 'AMOUNT',
};

const LABEL = new RegExp(`(?<![A-Za-z])(${Object.keys(TYPE_NAMES).join('|')})S?\\s*[:=]\\s*`, 'gi');
const EMPTY = /^(none|n\/a|null|nil|unknown|-+|—)?$/i;

function clean(text: string): string {
  return text
    .replace(/\*\*|__|`/g, '')
    .trim()
    .replace(/^["'“”‘’[(]+|["'“”‘’\])]+$/g, '')
    .replace(/[.;,]+$/, '')
    .trim();
}

/**
 * Reads the generative entities fallback's `TYPE: text | TYPE: text` line (see ENTITIES_BANK).
 * Tolerates what small models do to it: several lines, bullets, lowercase or synonym types
 * (LOC, ORGANIZATION, MONEY…), quotes, "PERSON: Maya, Omar", NONE. Anything without a known type
 * label is dropped, and repeats are reported once.
 */
export function parseEntityLines(output: string): EntityMention[] {
  const found: EntityMention[] = [];
  const seen = new Set<string>();
  const add = (type: EntityType, value: string) => {
    // Commas separate names, but belong inside amounts, dates and places ("€12,500", "May 3, 2026").
    for (const part of type === 'PERSON' ? value.split(/,|\band\b/) : [value]) {
      const text = clean(part);
      const key = `${type}\u0000${text.toLowerCase()}`;
      if (EMPTY.test(text) || seen.has(key)) continue;
      seen.add(key);
      found.push({ type, text });
    }
  };
  for (const segment of output.split(/[|\n]/)) {
    // Labels in one segment ("PERSON: Maya, ORG: Acme") each own the text up to the next label.
    const labels = [...segment.matchAll(LABEL)];
    labels.forEach((m, i) => {
      const type = TYPE_NAMES[(m[1] ?? '').toUpperCase()];
      const next = labels[i + 1];
      const value = segment.slice(m.index + m[0].length, next === undefined ? undefined : next.index);
      if (type !== undefined) add(type, value);
    });
  }
  return found;
}
