import { Engine } from '@parley/engine';
import { ensureTinyCausalLM, ensureTinySeq2Seq } from '@parley/tiny-models';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.js';
import { Capture, MODEL_CACHE, tempDir, type TempDir } from './helpers.js';

const run = promisify(execFile);
const tar = (args: string[]) => run('tar', args);
const T5_FILES = ['config.json', 'generation_config.json', 'onnx/decoder_model_merged.onnx', 'onnx/encoder_model.onnx', 'tokenizer.json', 'tokenizer_config.json'];

describe('models import', () => {
  let t5: string;
  let dir: TempDir;
  let models: string;
  let sources: string;
  beforeAll(async () => {
    t5 = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
  });
  beforeEach(async () => {
    dir = await tempDir();
    models = join(dir.path, 'models');
    sources = join(dir.path, 'from-a-usb-stick');
    await mkdir(sources);
  });
  afterEach(() => dir.remove());

  const cli = async (...argv: string[]) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(argv, { stdout, stderr, env: { MODELS_DIR: models, HF_ENDPOINT: 'http://127.0.0.1:9' }, cwd: sources });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };
  const registry = async () => JSON.parse(await readFile(join(models, 'registry.json'), 'utf8'));
  const filesIn = async (folder: string) =>
    (await readdir(folder, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(folder.length + 1))
      .sort();
  /** A copy of `folder` under the sources, to change. */
  const copyOf = async (folder: string, name: string) => {
    const copy = join(sources, name);
    await cp(folder, copy, { recursive: true });
    return copy;
  };
  /** Nothing was registered, and MODELS_DIR holds no model folder and no leftovers. */
  const nothingImported = async () => {
    expect(existsSync(join(models, 'registry.json'))).toBe(false);
    expect(existsSync(models) ? await readdir(models) : []).toEqual([]);
  };

  it('imports a folder: copies what the engine loads into MODELS_DIR, registers it as pull would, and list shows it', async () => {
    const name = basename(t5);
    const { code, stdout, stderr } = await cli('import', t5);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const folder = join(models, name);
    const reg = join(models, 'registry.json');
    expect(stdout).toMatch(new RegExp(`^${name}: 6 files, \\d+ kB copied to ${folder}\\n`));
    expect(stdout).toContain(
      [
        `  from ${t5}, fp32; serves summarize, translate, entities, ask`,
        `  registry ${reg}: summarize → ${name}, translate * → ${name}, entities → ${name}, ask → ${name}`,
        `  the worker uses it with MODEL_REGISTRY=${reg}`,
        '',
      ].join('\n'),
    );
    expect(await registry()).toEqual({
      models: { [name]: { path: name, dtype: 'fp32' } },
      tasks: { summarize: name, translate: { '*': name }, entities: name, ask: name },
    });
    expect(await filesIn(folder)).toEqual(T5_FILES);
    for (const f of T5_FILES) expect((await readFile(join(folder, f))).equals(await readFile(join(t5, f)))).toBe(true);

    const list = await cli('list');
    expect(list.stdout.split('\n')[2]).toMatch(new RegExp(`^${name}\\s+\\d+ kB\\s+fp32\\s+summarize, translate, entities, ask\\s+summarize, ask, entities, translate \\*\\s+local folder$`));

    const engine = await Engine.start(folder, { intraOpThreads: 1 });
    try {
      expect(engine.info).toMatchObject({ family: 'seq2seq', modelType: 't5' });
    } finally {
      await engine.close();
    }
  });

  it('imports an uncompressed .tar made with the system tar, its files under one top folder or at its root', async () => {
    await tar(['-cf', join(sources, 'Flan Export.tar'), '-C', join(t5, '..'), basename(t5)]);
    const nested = await cli('import', 'Flan Export.tar');
    expect(nested.code).toBe(0);
    expect(nested.stdout).toMatch(new RegExp(`^flan-export: 6 files, \\d+ kB copied to ${join(models, 'flan-export')}\\n  from Flan Export\\.tar, fp32;`));
    expect(await filesIn(join(models, 'flan-export'))).toEqual(T5_FILES);

    await tar(['-czf', join(sources, 'flat.tgz'), '-C', t5, '.']);
    const flat = await cli('import', 'flat.tgz', '--name', 'flan-from-tgz');
    expect(flat.code).toBe(0);
    expect(await filesIn(join(models, 'flan-from-tgz'))).toEqual(T5_FILES);
    expect(Object.keys((await registry()).models)).toEqual(['flan-export', 'flan-from-tgz']);
    // Unpacked beside the models and moved into place: nothing is left of the unpacking.
    expect((await readdir(models)).sort()).toEqual(['flan-export', 'flan-from-tgz', 'registry.json']);
  });

  it('refuses a folder missing onnx/decoder_model_merged.onnx in one line naming it, and registers nothing', async () => {
    const broken = await copyOf(t5, 'half-export');
    await rm(join(broken, 'onnx', 'decoder_model_merged.onnx'));
    expect(await cli('import', 'half-export')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'models: half-export is missing onnx/decoder_model_merged.onnx (an encoder–decoder export needs onnx/encoder_model.onnx and onnx/decoder_model_merged.onnx).\n',
    });
    await nothingImported();
  });

  it('answers a path that is not there, or not a folder or tar, in one clear line', async () => {
    expect(await cli('import', './no-such-export')).toEqual({ code: 1, stdout: '', stderr: 'models: ./no-such-export does not exist: give the folder of an ONNX export, or a .tar of one.\n' });
    await writeFile(join(sources, 'model.zip'), 'PK');
    expect(await cli('import', 'model.zip')).toMatchObject({ code: 1, stderr: 'models: model.zip is neither a folder nor a .tar, .tar.gz or .tgz file.\n' });
    await writeFile(join(sources, 'broken.tar'), 'not a tar at all, but long enough to look like one. '.repeat(20));
    const broken = await cli('import', 'broken.tar');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^models: broken\.tar cannot be unpacked \(.+\)\.\n$/);
    expect(await cli('import')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^models: import takes one folder or \.tar file\.\n\nUsage:/) });
    expect(await cli('import', t5, '--name', '../escape')).toMatchObject({
      code: 1,
      stderr: 'models: --name must be letters, digits, ".", "_" or "-", starting with a letter or digit (got "../escape").\n',
    });
    await nothingImported();
  });

  it('names each missing or broken piece: tokenizer files, JSON, ONNX graphs, external data', async () => {
    const base = await copyOf(t5, 'base');
    const variant = async (name: string, change: (folder: string) => Promise<void>) => {
      const folder = await copyOf(base, name);
      await change(folder);
      return (await cli('import', name)).stderr;
    };
    expect(await variant('no-tokenizer', (f) => rm(join(f, 'tokenizer.json')))).toBe('models: no-tokenizer is not a Hugging Face ONNX export: it has no tokenizer.json.\n');
    expect(await variant('bad-config', (f) => writeFile(join(f, 'config.json'), '{"model_type": "t5",'))).toMatch(/^models: bad-config: config\.json is not valid JSON \(.+\)\.\n$/);
    expect(await variant('empty-graph', (f) => writeFile(join(f, 'onnx', 'encoder_model.onnx'), ''))).toBe('models: empty-graph: onnx/encoder_model.onnx is not an ONNX model (it is empty).\n');
    expect(await variant('text-graph', (f) => writeFile(join(f, 'onnx', 'encoder_model.onnx'), '<html>Rate limited</html>\n'))).toBe(
      'models: text-graph: onnx/encoder_model.onnx is not an ONNX model (it does not start like an ONNX model).\n',
    );
    const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 141263006\n';
    expect(await variant('lfs-clone', (f) => writeFile(join(f, 'onnx', 'encoder_model.onnx'), pointer))).toBe(
      'models: lfs-clone: onnx/encoder_model.onnx is not an ONNX model (it is a Git LFS pointer, not the file: run git lfs pull where it was cloned).\n',
    );
    expect(await variant('cut-graph', (f) => truncate(join(f, 'onnx', 'decoder_model_merged.onnx'), 5000))).toBe(
      'models: cut-graph: onnx/decoder_model_merged.onnx is not an ONNX model (it is cut off).\n',
    );
    expect(await variant('no-onnx', (f) => rm(join(f, 'onnx'), { recursive: true }))).toBe(
      'models: no-onnx is missing onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx (an encoder–decoder export needs onnx/encoder_model.onnx and onnx/decoder_model_merged.onnx).\n',
    );

    const llama = await copyOf(await ensureTinyCausalLM({ cacheDir: MODEL_CACHE, variant: 'llama', externalData: true }), 'llama-no-data');
    await rm(join(llama, 'onnx', 'model.onnx_data'));
    expect((await cli('import', 'llama-no-data')).stderr).toBe('models: llama-no-data is missing onnx/model.onnx_data (the external data of onnx/model.onnx).\n');
    await nothingImported();
  });

  it('takes the external data a graph names, and finds the precision from the files: q8 when only *_quantized.onnx are there', async () => {
    const qwen = await ensureTinyCausalLM({ cacheDir: MODEL_CACHE, variant: 'qwen2', externalData: true });
    const chat = await cli('import', qwen, '--name', 'tiny-chat');
    expect(chat.code).toBe(0);
    expect(chat.stdout).toContain(', fp32; serves ask, summarize, entities, translate\n');
    expect(await filesIn(join(models, 'tiny-chat'))).toEqual(['config.json', 'generation_config.json', 'onnx/model.onnx', 'onnx/model.onnx_data', 'tokenizer.json', 'tokenizer_config.json']);

    const q8 = await copyOf(t5, 'flan-q8');
    for (const g of ['encoder_model', 'decoder_model_merged']) await cp(join(q8, 'onnx', `${g}.onnx`), join(q8, 'onnx', `${g}_quantized.onnx`));
    for (const g of ['encoder_model', 'decoder_model_merged']) await rm(join(q8, 'onnx', `${g}.onnx`));
    expect((await cli('import', 'flan-q8')).stdout).toContain('  from flan-q8, q8;');
    expect((await registry()).models['flan-q8']).toEqual({ path: 'flan-q8', dtype: 'q8' });
    expect((await cli('import', 'flan-q8', '--dtype', 'fp16', '--name', 'other')).stderr).toBe('models: flan-q8 has no fp16 ONNX export; it has q8 (use --dtype q8).\n');
  });

  it("names a known export by the catalog (config.json's _name_or_path), and leaves a folder already in MODELS_DIR where it is", async () => {
    const exported = await copyOf(t5, 'download');
    const config = JSON.parse(await readFile(join(exported, 'config.json'), 'utf8'));
    await writeFile(join(exported, 'config.json'), JSON.stringify({ ...config, _name_or_path: 'google/flan-t5-small' }));
    const first = await cli('import', 'download');
    expect(first.stdout).toMatch(new RegExp(`^flan-t5-small: 6 files, \\d+ kB copied to ${join(models, 'flan-t5-small')}\\n`));

    const again = await cli('import', join(models, 'flan-t5-small'));
    expect(again.stdout).toMatch(new RegExp(`^flan-t5-small: 6 files, \\d+ kB already in ${join(models, 'flan-t5-small')}\\n`));
    expect(again.stdout).toContain(': no task changed\n');
    const byHand = await copyOf(t5, 'unused');
    await cp(byHand, join(models, 'Copied-By-Hand'), { recursive: true });
    expect((await cli('import', join(models, 'Copied-By-Hand'))).stdout).toMatch(/^Copied-By-Hand: 6 files, \d+ kB already in /);

    const replaced = await cli('import', 'download');
    expect(replaced.stdout).toContain(`copied to ${join(models, 'flan-t5-small')} (replacing the folder there)\n`);
    expect((await readdir(models)).sort()).toEqual(['Copied-By-Hand', 'flan-t5-small', 'registry.json']);
  });

  it('refuses links inside an archive, and a name whose folder holds something else', async () => {
    const linked = await copyOf(t5, 'linked');
    await rm(join(linked, 'tokenizer.json'));
    await symlink(join(t5, 'tokenizer.json'), join(linked, 'tokenizer.json'));
    // A folder's links are followed (the hub's cache is made of them) ...
    expect((await cli('import', 'linked')).code).toBe(0);
    expect(await filesIn(join(models, 'linked'))).toContain('tokenizer.json');
    // ... an archive's are not.
    await tar(['-cf', join(sources, 'linked.tar'), '-C', linked, '.']);
    expect((await cli('import', 'linked.tar', '--name', 'from-tar')).stderr).toBe('models: linked.tar: tokenizer.json is a link; an export holds plain files.\n');

    await mkdir(join(models, 'notes'));
    await writeFile(join(models, 'notes', 'todo.txt'), 'keep me');
    expect((await cli('import', t5, '--name', 'notes')).stderr).toBe(`models: ${join(models, 'notes')} is already there and is not a model folder; move it away or choose another --name.\n`);
    expect(await readFile(join(models, 'notes', 'todo.txt'), 'utf8')).toBe('keep me');
  });
});
