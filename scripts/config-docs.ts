// Renders the bot's and worker's environment schemas into README.md between the config markers.
//   npm run docs:config           rewrite README.md
//   npm run docs:config -- --check exit 1 if README.md is out of date
import { schema as botEnv } from '@parley/bot/dist/config.js';
import { schema as workerEnv } from '@parley/worker/dist/config.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { z } from 'zod';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const START = '<!-- config:start -->';
export const END = '<!-- config:end -->';

interface Row {
  name: string;
  default: string;
  meaning: string;
}

/** The `/** … *\/` comment above each property of a schema's source file, by property name. */
export function docComments(source: string): Map<string, string> {
  const file = ts.createSourceFile('config.ts', source, ts.ScriptTarget.Latest, true);
  const out = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name)) {
      // The raw comment, not the parsed one: JSDoc would take "@mentions" in the text for a tag.
      const text = ts
        .getJSDocCommentsAndTags(node)
        .filter(ts.isJSDoc)
        .map((doc) => doc.getText().replace(/^\/\*\*|\*\/$/g, '').replace(/^\s*\* ?/gm, ''))
        .join(' ')
        .trim();
      if (text) out.set(node.name.text, text.replace(/\s+/g, ' '));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

const code = (v: string) => `\`${v}\``;

/** Default, requiredness, allowed values and `.describe()` text, found through the schema's wrappers. */
function describeField(field: z.ZodType): { default?: unknown; optional: boolean; values?: string[]; description?: string } {
  let node = field as z.ZodType & { _zod: { def: Record<string, unknown> } };
  const found: { default?: unknown; optional: boolean; values?: string[]; description?: string } = { optional: false };
  for (;;) {
    if (found.description === undefined && node.description !== undefined) found.description = node.description;
    const def = node._zod.def;
    if (def['type'] === 'default') {
      const value = def['defaultValue'];
      found.default = typeof value === 'function' ? (value as () => unknown)() : value;
      node = def['innerType'] as typeof node;
    } else if (def['type'] === 'optional') {
      found.optional = true;
      node = def['innerType'] as typeof node;
    } else if (def['type'] === 'pipe') {
      node = def['in'] as typeof node;
    } else {
      if (def['type'] === 'enum') found.values = Object.values(def['entries'] as Record<string, string>);
      return found;
    }
  }
}

export function rows(schema: z.ZodObject, source: string): Row[] {
  const docs = docComments(source);
  return Object.entries(schema.shape).map(([name, field]) => {
    const f = describeField(field as z.ZodType);
    const meaning = [docs.get(name) ?? f.description ?? '', f.values ? `One of ${f.values.map(code).join(', ')}.` : ''].filter(Boolean).join(' ');
    const dflt = f.default !== undefined && f.default !== '' ? code(String(f.default)) : f.default === '' || f.optional ? '–' : 'required';
    return { name, default: dflt, meaning };
  });
}

function table(title: string, list: Row[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [`**${title}**`, '', '| variable | default | meaning |', '|---|---|---|', ...list.map((r) => `| ${code(r.name)} | ${cell(r.default)} | ${cell(r.meaning)} |`)].join('\n');
}

/** The generated block, markers included. */
export function renderConfigDocs(root = ROOT): string {
  const source = (app: string) => readFileSync(join(root, 'apps', app, 'src', 'config.ts'), 'utf8');
  return [
    START,
    '<!-- Generated from the zod schemas in apps/bot/src/config.ts and apps/worker/src/config.ts by `npm run docs:config`; edit those, not this table. -->',
    '',
    table('Bot', rows(botEnv, source('bot'))),
    '',
    table('Worker', rows(workerEnv, source('worker'))),
    END,
  ].join('\n');
}

/** `readme` with its block between the markers replaced by `block`. */
export function withConfigDocs(readme: string, block: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs ${START} and ${END} around the configuration table`);
  return readme.slice(0, start) + block + readme.slice(end + END.length);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = join(ROOT, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const next = withConfigDocs(readme, renderConfigDocs());
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      process.stderr.write('README.md configuration table is out of date: run npm run docs:config\n');
      process.exit(1);
    }
  } else if (next !== readme) {
    writeFileSync(path, next);
    process.stdout.write('README.md configuration table updated\n');
  }
}
