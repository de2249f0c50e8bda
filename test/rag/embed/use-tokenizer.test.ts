import { EmbeddingsModel } from '@energetic-ai/embeddings';
import { describe, expect, it } from 'vitest';
import { UseTokenizer, loadUseVocabulary, prepareUseInput } from '../../../rag/embed/use-tokenizer.ts';

const vocabulary = loadUseVocabulary();
// The packaged tokenizer is not exported on its own; the model wrapper builds one and never touches the model
// in its constructor.
const reference = new EmbeddingsModel({
  vocabulary: vocabulary as Array<[string, number]>,
  model: null as unknown as EmbeddingsModel['model'],
}).tokenizer;
const tokenizer = new UseTokenizer(vocabulary);

/** Small deterministic PRNG so fuzz failures reproduce. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pools: string[][] = [
  [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'],
  [...' \t\n\r  '],
  [...'.,;:!?\'"()[]{}<>-_/\\@#$%^&*+=~`|”“’'],
  [...'éèêëàâäôöûüçñßøåæœ'],
  ['\u0301', '\u0300', '\u0308', '\u0327', '\u20dd'],
  [...'日本語中文한국어テキスト漢字'],
  ['😀', '👍', '🏽', '👨‍👩‍👧', '🇫🇷', '\u{1f9ea}', '𝔘𝔫𝔦'],
  ['ﬁ', 'ﬂ', '①', 'ｆ', 'Ⅻ', '㎞', '\u00a0', '\u2581', '\u3000', '½'],
  ['\ud800', '\udfff', '\ufffd', '\u0000', '\u200b', '\u202e'],
];

function fuzzString(random: () => number, maxLength: number): string {
  const length = Math.floor(random() * maxLength);
  let text = '';
  for (let i = 0; i < length; i++) {
    // Mostly ASCII words, so the lattice has real competition between pieces; the rest exercises odd input.
    const pool = random() < 0.6 ? (pools[0] as string[]) : (pools[Math.floor(random() * pools.length)] as string[]);
    text += pool[Math.floor(random() * pool.length)];
  }
  return text;
}

/** Concatenated vocabulary pieces: dense ties and overlapping candidates at every position. */
function piecesString(random: () => number, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    const [piece] = vocabulary[6 + Math.floor(random() * (vocabulary.length - 6))] as readonly [string, number | null];
    text += random() < 0.2 ? piece.replaceAll('\u2581', ' ') : piece;
  }
  return text;
}

describe('UseTokenizer', () => {
  const fixed = [
    '',
    ' ',
    '   ',
    'a',
    'Hello world!',
    'The quick brown fox jumps over the lazy dog.',
    "It's 10:30 — don't forget: https://example.com/path?q=1&x=2 :) :-( ):",
    'Résumé naïve café façade coöperate',
    'e\u0301 cafe\u0301 n\u0303',
    '日本語のテキストと中文和한국어',
    '😀👍🏽 emoji 👨‍👩‍👧 🇫🇷 flags',
    '  multiple   spaces\t\ttabs\n\nnewlines\r\n',
    '”5 ”5”5 :00:00',
    'ﬁne ① ｆｕｌｌｗｉｄｔｈ Ⅻ ㎞ ½',
    '\u2581already\u2581separated',
    'lone \ud800 surrogate \udfff here',
    'x'.repeat(500),
    'ab'.repeat(300),
    'function embed(texts: string[]): Promise<number[][]> { return model.run(texts); }',
    'SELECT * FROM chunks WHERE doc_id = $1 AND ordinal >= 3;',
  ];

  it.each(fixed.map((text) => [JSON.stringify(text).slice(0, 60), text]))('matches the packaged tokenizer on %s', (_, text) => {
    expect(tokenizer.encode(text)).toEqual(reference.encode(text));
  });

  it('matches the packaged tokenizer on 400 seeded random strings', () => {
    const random = mulberry32(20240611);
    for (let i = 0; i < 400; i++) {
      const text = fuzzString(random, 200);
      expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(reference.encode(text));
    }
  });

  it('matches the packaged tokenizer on 200 strings built from vocabulary pieces', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 200; i++) {
      const text = piecesString(random, 1 + Math.floor(random() * 40));
      expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(reference.encode(text));
    }
  });

  it('matches on a few thousand characters of mixed prose', () => {
    const random = mulberry32(99);
    let text = '';
    while (text.length < 4000) text += `${piecesString(random, 5)} ${fuzzString(random, 30)} The results were significant (p < 0.05). `;
    expect(tokenizer.encode(text)).toEqual(reference.encode(text));
  });

  it('keeps the packaged quirks on a synthetic vocabulary built for ties, zero scores and astral pieces', () => {
    // The shipped vocabulary rarely produces exact score ties and has no astral pieces, so the tie rule,
    // the "0 means unset" rule, null scores, duplicates and UTF-16 backtracking are pinned down here instead.
    const synthetic: Array<[string, number | null]> = [
      ['\ufffd', 0],
      ['<s>', 0],
      ['</s>', 0],
      ['x1', 0],
      ['x2', 0],
      ['x3', 0],
      ['a', -1],
      ['b', -1],
      ['ab', -2],
      ['\u2581', -1],
      ['\u2581a', -2],
      ['😀', -1],
      ['a😀', -2],
      ['😀b', -3],
      ['c', 0],
      ['ba', null],
      ['bb', -2],
      ['ab', -1.5],
      ['\u2581\u2581', -2],
      ['abc', -3],
      ['😀😀', -2],
      ['cc', 0],
    ];
    const syntheticReference = new EmbeddingsModel({
      vocabulary: synthetic as Array<[string, number]>,
      model: null as unknown as EmbeddingsModel['model'],
    }).tokenizer;
    const syntheticTokenizer = new UseTokenizer(synthetic);
    const alphabet = ['a', 'b', 'c', ' ', '😀', 'd', 'é'];
    const random = mulberry32(3);
    for (let i = 0; i < 2000; i++) {
      let text = '';
      const length = Math.floor(random() * 14);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      expect(syntheticTokenizer.encode(text), JSON.stringify(text)).toEqual(syntheticReference.encode(text));
    }
  });

  it('returns no tokens for the empty string and the separator for whitespace', () => {
    expect(tokenizer.encode('')).toEqual([]);
    expect(prepareUseInput(' a b')).toBe('\u2581\u2581a\u2581b');
    expect(tokenizer.encode(' ').length).toBeGreaterThan(0);
  });

  it('collapses a run of unknown symbols into one unknown id', () => {
    const ids = tokenizer.encode('日本語のテキスト');
    expect(ids.filter((id) => id === 0)).toHaveLength(1);
  });

  it('tokenizes a 100k-character text in well under the packaged tokenizer’s minutes', () => {
    const random = mulberry32(1);
    let text = '';
    while (text.length < 100_000) text += `${piecesString(random, 8)} 日本語 😀 ${fuzzString(random, 20)}\n`;
    const started = performance.now();
    const ids = tokenizer.encode(text);
    const elapsedMs = performance.now() - started;
    expect(ids.length).toBeGreaterThan(10_000);
    // Deliberately loose: this guards against a return to quadratic time, not against a slow machine.
    expect(elapsedMs).toBeLessThan(5_000);
  });
});
