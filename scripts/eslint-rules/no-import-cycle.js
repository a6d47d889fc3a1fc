// @ts-check
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Import cycles between a workspace's own modules, type-only imports included: a cycle of
 * types still means two modules each own part of the other. (eslint-plugin-import's no-cycle
 * skips `import type` by design, which is where such cycles hide.) Only relative imports are
 * followed; workspaces cannot import each other in a circle, tsc's project references refuse it.
 */

/** @type {Map<string, { mtimeMs: number; imports: string[] }>} */
const onDisk = new Map();

/** The relative specifiers a file imports or re-exports, types and dynamic imports included. */
function specifiersIn(text) {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** The TypeScript file a relative specifier names (`./x.js` is `./x.ts`), if there is one. */
function resolveSpecifier(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const stem = base.replace(/\.(?:js|mjs|cjs|ts|mts|cts)$/, '');
  for (const candidate of [`${stem}.ts`, `${stem}.mts`, `${stem}.cts`, `${base}/index.ts`]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function importsOnDisk(file) {
  const { mtimeMs } = statSync(file);
  const cached = onDisk.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.imports;
  const imports = specifiersIn(readFileSync(file, 'utf8'))
    .map((s) => resolveSpecifier(file, s))
    .filter((f) => f !== undefined);
  onDisk.set(file, { mtimeMs, imports });
  return imports;
}

/** A path of imports from `start` back to `target`, or undefined when there is none. */
function pathBack(start, target) {
  const seen = new Set([start]);
  /** @type {string[][]} */
  const stack = [[start]];
  while (stack.length) {
    const path = stack.pop();
    for (const next of importsOnDisk(path[path.length - 1])) {
      if (next === target) return path;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push([...path, next]);
    }
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles between modules, type-only imports included.' },
    schema: [],
    messages: { cycle: 'Import cycle: {{cycle}}. Move what both sides need into a module of its own.' },
  },
  create(context) {
    const file = context.filename;
    const root = context.cwd;
    const shown = (f) => relative(dirname(file), f) || f;
    return {
      Program(program) {
        const reported = new Set();
        for (const specifier of specifiersIn(context.sourceCode.text)) {
          const target = resolveSpecifier(file, specifier);
          if (!target || target === file || reported.has(target)) continue;
          const back = target.startsWith(root) ? pathBack(target, file) : undefined;
          if (!back) continue;
          reported.add(target);
          const node =
            program.body.find((n) => 'source' in n && n.source && n.source.type === 'Literal' && n.source.value === specifier) ?? program;
          context.report({ node, messageId: 'cycle', data: { cycle: [file, ...back, file].map(shown).join(' → ') } });
        }
      },
    };
  },
};

export default rule;
