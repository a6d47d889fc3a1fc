import { Engine } from '@parley/engine';
import { describe, expect, it } from 'vitest';
import { TextStream } from '../src/generation/text-stream.js';
import { loadCausal, loadSeq2Seq, tinySeq2Seq } from './helpers.js';

/** A byte-level "tokenizer": each id is one UTF-8 byte, decoded the way byte-level BPE decoders do. */
const bytes = (text: string) => [...new TextEncoder().encode(text)];
const decodeBytes = (ids: readonly number[]) => new TextDecoder().decode(Uint8Array.from(ids));

describe('TextStream', () => {
  it('never splits a multi-byte character, and the pieces join to the full text', () => {
    const text = 'Grüße ☕ from 東京 👋🏽!';
    const stream = new TextStream(decodeBytes);
    const pieces = bytes(text).map((b) => stream.push(b));
    pieces.push(stream.finish());
    expect(pieces.join('')).toBe(text);
    for (const p of pieces) expect(p).not.toContain('\uFFFD');
    // The 4-byte emoji arrives over four tokens but appears in one piece.
    expect(pieces.filter((p) => p.includes('👋'))).toHaveLength(1);
  });

  it('holds back a possible stop string and ends right before it, never showing half of it', () => {
    const stream = new TextStream(decodeBytes, ['</end>', 'STOP']);
    const shown: string[] = [];
    for (const b of bytes('Answer: 42 </en')) shown.push(stream.push(b));
    expect(shown.join('')).toBe('Answer: 42 ');
    for (const b of bytes('d> more')) shown.push(stream.push(b));
    shown.push(stream.finish());
    expect(stream.stopped).toBe(true);
    expect(shown.join('')).toBe('Answer: 42 ');
    expect(stream.text).toBe('Answer: 42 ');
  });

  it('releases held-back text once it cannot be a stop string', () => {
    const stream = new TextStream(decodeBytes, ['STOP']);
    const shown = bytes('STO and more').map((b) => stream.push(b));
    expect(shown.slice(0, 3).join('')).toBe('');
    shown.push(stream.finish());
    expect(shown.join('')).toBe('STO and more');
    expect(stream.stopped).toBe(false);
  });

  it('keeps SentencePiece word-start spaces with the real T5 tokenizer', async () => {
    const model = await loadSeq2Seq();
    const ids = model.tokenizer.encode('we will ship the release on friday', false);
    const stream = new TextStream((x) => model.tokenizer.decode(x));
    const pieces = ids.map((id) => stream.push(id));
    pieces.push(stream.finish());
    expect(pieces.join('')).toBe(model.tokenizer.decode(ids));
    expect(pieces.join('')).toBe('we will ship the release on friday');
  });
});

describe('Engine.stream', () => {
  it('yields pieces that join to exactly the final text', async () => {
    const engine = await Engine.start(await tinySeq2Seq(), { intraOpThreads: 1 });
    try {
      const stream = engine.stream('summarize: Omar fixed the deploy and Lena wrote the notes', { maxNewTokens: 30 });
      const pieces: string[] = [];
      for await (const piece of stream) pieces.push(piece);
      const result = await stream.result;
      expect(pieces.length).toBeGreaterThan(5);
      expect(pieces.join('')).toBe(result.text);
      expect(result.tokenIds).toHaveLength(30);
      expect(result.settings).toMatchObject({ maxNewTokens: 30, doSample: false });
    } finally {
      await engine.close();
    }
  });

  it('stops early when its AbortSignal fires', async () => {
    const engine = await Engine.start(await tinySeq2Seq(), { intraOpThreads: 1 });
    try {
      const controller = new AbortController();
      const stream = engine.stream('summarize: a long thread about many things', { maxNewTokens: 4000 }, controller.signal);
      let pieces = 0;
      for await (const piece of stream) {
        if (piece && ++pieces === 3) controller.abort();
      }
      const result = await stream.result;
      expect(result.finishReason).toBe('aborted');
      expect(result.tokenIds.length).toBeLessThan(4000);
      // The engine still serves the next request.
      expect((await engine.generate('summarize: ok', { maxNewTokens: 2 })).tokenIds).toHaveLength(2);
    } finally {
      await engine.close();
    }
  });
});

describe('TextStream with a byte-level BPE tokenizer (GPT-2 style)', () => {
  it('keeps Ġ word-start spaces and multi-byte characters whole, and joins to the full decode', async () => {
    const model = await loadCausal('gpt2');
    const text = 'Hello world, naïve café ☕ and 東京 👋 friends';
    const ids = model.tokenizer.encode(text, false);
    const stream = new TextStream((x) => model.tokenizer.decode(x));
    const pieces = ids.map((id) => stream.push(id));
    pieces.push(stream.finish());
    expect(pieces.join('')).toBe(text);
    for (const p of pieces) expect(p).not.toContain('\uFFFD');
    // Characters outside the tokenizer's merges arrive as several byte tokens, yet show up whole.
    expect(ids.length).toBeGreaterThan(text.split(' ').length + 6);
  });
});
