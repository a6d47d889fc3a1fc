import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CATALOG, CATALOG_NAMES, catalogNameOf } from './catalog.js';
import { ModelsError } from './errors.js';
import { DTYPES, externalDataFiles, LAYOUTS, layoutFiles, OPTIONAL_FILES, REQUIRED_FILES, type Dtype, type ExportLayout } from './export-files.js';
import { servesOf } from './model-tasks.js';
import { externalDataOf, NotOnnxError } from './onnx-file.js';
import { readRegistry, registerModel, type TaskChange } from './registry-file.js';
import type { ModelsSettings } from './settings.js';
import type { Serves } from './tasks.js';

/*
 * `models import`: an export brought in by hand (a folder, or a tar of one) for machines that cannot
 * reach the hub. It is checked as the engine will load it, copied into MODELS_DIR/<name> and
 * registered exactly as `pull` registers a download.
 */

export interface ImportRequest {
  /** A folder holding the export, or a .tar / .tar.gz / .tgz of it, as the user typed it. */
  source: string;
  /** What a relative `source` is relative to. */
  cwd: string;
  /** Folder and registry name; by default the catalog name of the model it exports, else the source's name. */
  name?: string | undefined;
  /** The precision to take; by default the first of fp32, fp16, q8 the export has whole. */
  dtype?: Dtype | undefined;
}

export interface ImportedFile {
  path: string;
  size: number;
}

export interface ImportResult {
  name: string;
  source: string;
  folder: string;
  dtype: Dtype;
  files: ImportedFile[];
  totalBytes: number;
  /** False when the source already was MODELS_DIR/<name>: nothing was copied. */
  copied: boolean;
  /** A folder of that name was there before and was replaced. */
  replaced: boolean;
  serves: Serves;
  registryFile: string;
  /** False when nothing says what the model serves: the worker would load it for no task. */
  registered: boolean;
  changes: TaskChange[];
}

const ARCHIVE = /\.(tar|tar\.gz|tgz)$/i;
const NAME = /^[A-Za-z0-9][\w.-]*$/;
const run = promisify(execFile);

export async function importExport(settings: ModelsSettings, request: ImportRequest): Promise<ImportResult> {
  const label = request.source;
  const path = resolve(request.cwd, request.source);
  if (request.name !== undefined && (!NAME.test(request.name) || request.name.includes('..'))) {
    throw new ModelsError('BAD_ARGUMENTS', `--name must be letters, digits, ".", "_" or "-", starting with a letter or digit (got "${request.name}").`);
  }
  const kind = await sourceKind(path, label);
  // Read the registry first, so a broken one stops the import before anything is unpacked or copied.
  const registry = await readRegistry(settings.registryFile);
  await mkdir(settings.modelsDir, { recursive: true });

  let unpacked: string | undefined;
  try {
    let root = path;
    if (kind === 'archive') {
      // Unpacked beside the models, so the files are moved into place rather than copied again.
      unpacked = await mkdtemp(join(settings.modelsDir, '.import-'));
      await untar(path, unpacked, label);
      root = await archiveRoot(unpacked, label);
    }
    const plan = await planImport(root, label, request.dtype, kind === 'archive');
    const name = request.name ?? (await nameInModelsDir(kind, path, settings.modelsDir)) ?? exportedCatalogName(plan.config) ?? nameFromPath(path);
    const folder = join(settings.modelsDir, name);
    const inPlace = kind === 'folder' && (await sameFolder(root, folder));
    const replaced = inPlace ? false : await install(root, plan.files, folder, settings.modelsDir, kind === 'archive');
    const serves = await servesOf(folder, repoOf(plan.config), name);
    const { registered, changes } = await registerModel(settings.registryFile, registry, name, folder, plan.dtype, serves);
    return {
      name,
      source: label,
      folder,
      dtype: plan.dtype,
      files: plan.files,
      totalBytes: plan.files.reduce((sum, f) => sum + f.size, 0),
      copied: !inPlace,
      replaced,
      serves,
      registryFile: settings.registryFile,
      registered,
      changes,
    };
  } finally {
    if (unpacked) await rm(unpacked, { recursive: true, force: true });
  }
}

async function sourceKind(path: string, label: string): Promise<'folder' | 'archive'> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ModelsError('BAD_ARGUMENTS', `${label} does not exist: give the folder of an ONNX export, or a .tar of one.`);
  if (info.isDirectory()) return 'folder';
  if (info.isFile() && ARCHIVE.test(path)) return 'archive';
  throw new ModelsError('BAD_ARGUMENTS', `${label} is neither a folder nor a .tar, .tar.gz or .tgz file.`);
}

/** Unpacks with the system's tar, which refuses names that lead out of `dir`. */
async function untar(archive: string, dir: string, label: string): Promise<void> {
  try {
    await run('tar', ['-xf', archive, '-C', dir, '--no-same-owner'], { maxBuffer: 1 << 20 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new ModelsError('BAD_FILE', `${label} cannot be unpacked: there is no tar command here; unpack it by hand and import the folder.`);
    const why = (e.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? e.message;
    throw new ModelsError('BAD_FILE', `${label} cannot be unpacked (${why.replace(/^tar: /, '').trim()}).`);
  }
}

/** The export's folder in an unpacked archive: its top, or its one top folder. */
async function archiveRoot(dir: string, label: string): Promise<string> {
  if (existsSync(join(dir, 'config.json'))) return dir;
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.') && e.name !== '__MACOSX');
  const only = entries.length === 1 && entries[0]!.isDirectory() ? join(dir, entries[0]!.name) : undefined;
  if (only && existsSync(join(only, 'config.json'))) return only;
  throw new ModelsError('NO_EXPORT', `${label} is not a Hugging Face ONNX export: it has no config.json at its top or in one top folder.`);
}

interface ImportPlan {
  config: Record<string, unknown>;
  dtype: Dtype;
  files: ImportedFile[];
}

/**
 * Checks the export in `root` as the engine will load it and lists the files to take: the configs
 * and tokenizer, one layout's ONNX graphs at one precision, and their external data.
 */
async function planImport(root: string, label: string, dtype: Dtype | undefined, plainFilesOnly: boolean): Promise<ImportPlan> {
  // A folder's links are followed (the hub's cache keeps exports as links to its blobs); an archive's are refused.
  const entry = (rel: string) => (plainFilesOnly ? lstat : stat)(join(root, rel)).catch(() => undefined);
  /** The size of a file the import takes, or undefined when there is none. */
  const sizeOf = async (rel: string): Promise<number | undefined> => {
    const info = await entry(rel);
    if (info?.isSymbolicLink()) throw new ModelsError('NO_EXPORT', `${label}: ${rel} is a link; an export holds plain files.`);
    return info?.isFile() ? info.size : undefined;
  };
  const files = new Map<string, number>();
  const take = async (rel: string) => {
    const size = await sizeOf(rel);
    if (size !== undefined) files.set(rel, size);
    return size !== undefined;
  };

  const missing: string[] = [];
  for (const rel of REQUIRED_FILES) if (!(await take(rel))) missing.push(rel);
  if (missing.length > 0) throw new ModelsError('NO_EXPORT', `${label} is not a Hugging Face ONNX export: it has no ${missing.join(', ')}.`);
  for (const rel of OPTIONAL_FILES) await take(rel);
  const parsed = new Map<string, unknown>();
  for (const rel of files.keys()) parsed.set(rel, await readJsonFile(join(root, rel), `${label}: ${rel}`));
  const config = parsed.get('config.json');
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new ModelsError('NO_EXPORT', `${label}: config.json is not a JSON object.`);

  const onnxNames = await readdir(join(root, 'onnx')).catch(() => [] as string[]);
  const present = new Set<string>();
  for (const n of onnxNames) {
    const info = await entry(`onnx/${n}`);
    if (info?.isFile() || info?.isSymbolicLink()) present.add(`onnx/${n}`);
  }
  // config.json says whether this is an encoder–decoder, as the engine reads it; an encoder graph says so too.
  const encoderDecoder = (config as Record<string, unknown>)['is_encoder_decoder'] === true || [...present].some((p) => /^onnx\/encoder_model(_fp16|_quantized)?\.onnx$/.test(p));
  const { layout, dtype: chosen } = chooseLayout(label, LAYOUTS.filter((l) => l.encoderDecoder === encoderDecoder), present, dtype);

  const graphs = layoutFiles(layout, chosen);
  const external = new Set(externalDataFiles(graphs, [...present]));
  for (const graph of graphs) {
    await take(graph);
    let locations: string[];
    try {
      locations = await externalDataOf(join(root, graph));
    } catch (err) {
      if (err instanceof NotOnnxError) throw new ModelsError('NO_EXPORT', `${label}: ${graph} is not an ONNX model (${err.message}).`);
      throw err;
    }
    for (const location of locations) {
      const rel = posix.normalize(posix.join(posix.dirname(graph), location.replaceAll('\\', '/')));
      if (posix.isAbsolute(location) || rel.startsWith('../') || rel === '..') {
        throw new ModelsError('NO_EXPORT', `${label}: ${graph} keeps its weights outside the export (${location}).`);
      }
      if ((await sizeOf(rel)) === undefined) throw new ModelsError('NO_EXPORT', `${label} is missing ${rel} (the external data of ${graph}).`);
      external.add(rel);
    }
  }
  for (const rel of external) await take(rel);
  return { config: config as Record<string, unknown>, dtype: chosen, files: [...files].map(([path, size]) => ({ path, size })) };
}

/**
 * The first precision (the asked one, else fp32, fp16, q8) with a whole layout of the family, in
 * the engine's order of preference; otherwise an error naming the files the nearest layout lacks.
 */
function chooseLayout(label: string, layouts: ExportLayout[], present: Set<string>, dtype: Dtype | undefined): { layout: ExportLayout; dtype: Dtype } {
  const dtypes = dtype ? [dtype] : DTYPES;
  for (const d of dtypes) {
    const layout = layouts.find((l) => layoutFiles(l, d).every((p) => present.has(p)));
    if (layout) return { layout, dtype: d };
  }
  if (dtype) {
    const available = DTYPES.filter((d) => layouts.some((l) => layoutFiles(l, d).every((p) => present.has(p))));
    if (available.length > 0) throw new ModelsError('NO_EXPORT', `${label} has no ${dtype} ONNX export; it has ${available.join(', ')} (use --dtype ${available[0]}).`);
  }
  let nearest = { layout: layouts[0]!, dtype: dtypes[0]!, have: 0 };
  for (const d of dtypes) {
    for (const l of layouts) {
      const have = layoutFiles(l, d).filter((p) => present.has(p)).length;
      if (have > nearest.have) nearest = { layout: l, dtype: d, have };
    }
  }
  const needed = layoutFiles(nearest.layout, nearest.dtype);
  const family = nearest.layout.encoderDecoder ? 'an encoder–decoder export' : 'a decoder-only or token-classification export';
  const lacking = needed.filter((p) => !present.has(p));
  throw new ModelsError('NO_EXPORT', `${label} is missing ${lacking.join(', ')} (${family} needs ${needed.join(' and ')}).`);
}

async function readJsonFile(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ModelsError('NO_EXPORT', `${what} is not valid JSON (${(err as Error).message}).`);
  }
}

/**
 * The catalog name of the model an export's config.json says it came from (`_name_or_path`): the
 * catalog repo itself, or the model it exports (`google/flan-t5-small` for `Xenova/flan-t5-small`).
 */
function exportedCatalogName(config: Record<string, unknown>): string | undefined {
  const source = config['_name_or_path'];
  if (typeof source !== 'string' || source.trim() === '') return undefined;
  const exact = catalogNameOf(source.trim());
  if (exact) return exact;
  const tail = source.split(/[\\/]/).filter(Boolean).at(-1)?.toLowerCase();
  return CATALOG_NAMES.find((n) => CATALOG[n].repo.split('/')[1]!.toLowerCase() === tail);
}

/** The hub repo an export's config.json names, if it names one. */
function repoOf(config: Record<string, unknown>): string | undefined {
  const source = config['_name_or_path'];
  return typeof source === 'string' && /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(source) ? source : undefined;
}

/** The name of a folder already in MODELS_DIR (copied there by hand): it stays where it is. */
async function nameInModelsDir(kind: 'folder' | 'archive', path: string, modelsDir: string): Promise<string | undefined> {
  if (kind !== 'folder' || !NAME.test(basename(path))) return undefined;
  return (await realpath(dirname(path))) === (await realpath(modelsDir)) ? basename(path) : undefined;
}

/** A folder name from the source's: lowercased, without the archive suffix, only name-safe characters. */
function nameFromPath(path: string): string {
  const name = basename(path)
    .replace(ARCHIVE, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/\.\.+/g, '.');
  return name || 'imported-model';
}

async function sameFolder(a: string, b: string): Promise<boolean> {
  if (!existsSync(b)) return false;
  return (await realpath(a)) === (await realpath(b));
}

/**
 * Puts `files` of `root` into `folder` through a staging folder beside it, so the folder holds
 * exactly this export or, if anything fails, what it held before. Returns whether one was replaced.
 */
async function install(root: string, files: ImportedFile[], folder: string, modelsDir: string, move: boolean): Promise<boolean> {
  const existing = await lstat(folder).catch(() => undefined);
  if (existing && (!existing.isDirectory() || !existsSync(join(folder, 'config.json')))) {
    throw new ModelsError('BAD_ARGUMENTS', `${folder} is already there and is not a model folder; move it away or choose another --name.`);
  }
  const staging = await mkdtemp(join(modelsDir, '.import-'));
  try {
    for (const { path } of files) {
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await (move ? rename : copyFile)(join(root, path), join(staging, path));
    }
    if (existing) {
      const old = `${staging}-replaced`;
      await rename(folder, old);
      await rename(staging, folder);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, folder);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return existing !== undefined;
}
