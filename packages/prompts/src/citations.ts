export type SummarySectionTitle = 'Decisions' | 'Action items' | 'Open questions' | 'Summary';

export interface SummaryPoint {
  text: string;
  /** Platform message ids, from the point's [m#] citations, in citation order, without repeats. */
  messageIds: string[];
  /** Who an action item belongs to, when the model named someone. */
  owner?: string;
}

export interface SummarySection {
  title: SummarySectionTitle;
  points: SummaryPoint[];
}

export interface ParsedSummary {
  sections: SummarySection[];
}

const TITLES: readonly [RegExp, SummarySectionTitle][] = [
  [/^(key )?decisions?( made)?$/i, 'Decisions'],
  [/^(action items?|actions|next steps|to-?dos?)$/i, 'Action items'],
  [/^(open questions?|questions|unresolved( questions)?)$/i, 'Open questions'],
  [/^(summary|tl;? ?dr|overview|key points)$/i, 'Summary'],
];

// A range wider than this is a model's slip, not a citation; only its ends are kept.
const MAX_RANGE = 200;

const CITATION = /\[\s*(m\d+(?:\s*(?:[,;–-]|\band\b)\s*m?\d+)*)\s*\]/gi;
const BULLET = /^(?:[-*•–]|\d+[.)])\s+/;
const NOTHING = /^(none|n\/a|nothing( to report)?|no (decisions|action items|open questions)( (were )?made| yet)?)\.?$/i;
const NOT_OWNERS = new Set(['note', 'notes', 'todo', 'tbd', 'none', 'unassigned', 'nobody', 'someone', 'team', 'everyone', 'all', 'owner']);

function headingOf(line: string): { title: SummarySectionTitle; rest: string } | undefined {
  const bare = line.replace(/^#{1,6}\s*/, '').replace(/\*\*|__/g, '').trim();
  const m = /^([A-Za-z][A-Za-z ;'-]*?)\s*(?::\s*(.*))?$/.exec(bare);
  if (m === null) return undefined;
  const found = TITLES.find(([pattern]) => pattern.test(m[1] ?? ''));
  return found === undefined ? undefined : { title: found[1], rest: (m[2] ?? '').trim() };
}

function refsIn(inner: string): string[] {
  const labels: string[] = [];
  for (const part of inner.split(/[,;]|\band\b/)) {
    const range = /^m?(\d+)\s*[–-]\s*m?(\d+)$/i.exec(part.trim());
    const single = /^m?(\d+)$/i.exec(part.trim());
    if (range !== null) {
      const [a, b] = [Number(range[1]), Number(range[2])].sort((x, y) => x - y) as [number, number];
      if (b - a > MAX_RANGE) labels.push(`m${a}`, `m${b}`);
      else for (let n = a; n <= b; n++) labels.push(`m${n}`);
    } else if (single !== null) {
      labels.push(`m${Number(single[1])}`);
    }
  }
  return labels;
}

const tidy = (text: string) =>
  text
    .replace(/\(\s*\)/g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:!?])/g, '$1')
    .replace(/^[\s,;:–-]+|[\s,;–-]+$/g, '')
    .trim();

function ownerOf(text: string): { owner?: string; text: string } {
  const tagged = /\(\s*owner\s*:\s*([^)]+?)\s*\)|\[\s*owner\s*:\s*([^\]]+?)\s*\]|\s[—–-]\s*owner\s*:\s*(.+)$/i.exec(text);
  if (tagged !== null) {
    const owner = (tagged[1] ?? tagged[2] ?? tagged[3] ?? '').replace(/^@/, '').trim();
    return { owner, text: text.replace(tagged[0], ' ') };
  }
  const leading = /^@?(\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+\p{Lu}[\p{L}\p{M}'’.-]*){0,2})\s*:\s+(.+)$/u.exec(text);
  if (leading !== null && !NOT_OWNERS.has((leading[1] ?? '').toLowerCase())) {
    return { owner: leading[1] ?? '', text: leading[2] ?? '' };
  }
  const mention = /(^|[^\p{L}\p{N}_])@(\p{L}[\p{L}\p{N}_.-]*)/u.exec(text);
  if (mention !== null) {
    const owner = (mention[2] ?? '').replace(/[.-]+$/, '');
    return { owner, text: text.replace(`@${mention[2] ?? ''}`, mention[2] ?? '') };
  }
  return { text };
}

function pointOf(raw: string, title: SummarySectionTitle, refs: ReadonlyMap<string, string>): SummaryPoint | undefined {
  const messageIds: string[] = [];
  const withoutCitations = raw.replace(CITATION, (_match, inner: string) => {
    for (const label of refsIn(inner)) {
      const id = refs.get(label);
      if (id !== undefined && !messageIds.includes(id)) messageIds.push(id);
    }
    return ' ';
  });
  let text = tidy(withoutCitations.replace(/\*\*|__/g, ''));
  if (text === '' || NOTHING.test(text)) return undefined;
  if (title === 'Action items') {
    const found = ownerOf(text);
    text = tidy(found.text);
    if (found.owner !== undefined && found.owner !== '') return { text, messageIds, owner: found.owner };
  }
  return { text, messageIds };
}

/**
 * Reads a model's summary into sections of points with message ids. Headed sections ("Decisions:",
 * "## Action items", "**Open questions**") hold bullet or plain lines; text before any heading,
 * or output with no headings at all, lands in a "Summary" section, where unbulleted lines run
 * together as one point. Citations such as [m3], [m3, m5] and [m3-m5] become message ids through
 * `refs` (label → id); labels not in `refs` are dropped. "None." points are left out.
 */
export function parseSummary(output: string, refs: ReadonlyMap<string, string>): ParsedSummary {
  const sections: { title: SummarySectionTitle; lines: string[] }[] = [];
  const sectionFor = (title: SummarySectionTitle) => {
    let section = sections.find((s) => s.title === title);
    if (section === undefined) {
      section = { title, lines: [] };
      sections.push(section);
    }
    return section;
  };
  let current: { title: SummarySectionTitle; lines: string[] } | undefined;
  let paragraph = false;

  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') {
      paragraph = false;
      continue;
    }
    const heading = headingOf(line);
    if (heading !== undefined) {
      current = sectionFor(heading.title);
      paragraph = false;
      if (heading.rest !== '') current.lines.push(heading.rest);
      continue;
    }
    current ??= sectionFor('Summary');
    const trimmed = line.trim();
    if (BULLET.test(trimmed)) {
      current.lines.push(trimmed.replace(BULLET, ''));
      paragraph = false;
    } else if (current.lines.length > 0 && (paragraph || /^\s/.test(line))) {
      // A wrapped line, or the next line of a plain paragraph: same point.
      current.lines[current.lines.length - 1] += ` ${trimmed}`;
    } else {
      current.lines.push(trimmed);
      paragraph = true;
    }
  }

  return {
    sections: sections.map((s) => ({
      title: s.title,
      points: s.lines.flatMap((l) => pointOf(l, s.title, refs) ?? []),
    })),
  };
}
