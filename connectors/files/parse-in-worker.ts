import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { SourceDocument } from '../../rag/types.ts';
import type { FileInput } from './file-document.ts';
import { InputError } from './input-error.ts';
import type { ParseReply, ParseRequest } from './parse-worker.ts';

// Files come from anyone who can share one with Lore, so they are parsed in worker threads (parse-worker.ts),
// never in the thread that serves Slack, Discord and HTTP: each parse runs with a memory limit (the worker's
// `resourceLimits`) and a time limit (the worker is terminated), at most `maxParallelParses` at once (the rest
// wait their turn). A file that hits a limit is refused with an InputError naming the limit; its worker is
// replaced, and the rest of the batch goes on. Idle workers are kept a few seconds for the next file, never
// holding the process open.

const IDLE_MS = 5_000;

interface Job {
  input: FileInput;
  resolve: (document: SourceDocument) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  memoryMb: number;
  /** The job it runs, if any. */
  job?: { id: number; job: Job; timer: NodeJS.Timeout };
  idleTimer?: NodeJS.Timeout;
  dead: boolean;
}

const WORKER_ENTRY = new URL('./parse-worker.ts', import.meta.url);

class ParsePool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 0;
  /** Most parses seen running at once. */
  peakRunning = 0;

  parse(input: FileInput): Promise<SourceDocument> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.drain();
    });
  }

  private busy(): number {
    let count = 0;
    for (const slot of this.slots) if (slot.job) count += 1;
    return count;
  }

  private drain(): void {
    while (this.queue.length > 0 && this.busy() < this.queue[0]!.input.limits.maxParallelParses) {
      const job = this.queue.shift()!;
      this.start(job);
    }
  }

  private start(job: Job): void {
    const memoryMb = Math.max(16, Math.round(job.input.limits.parseMemoryMb));
    let slot = [...this.slots].find((s) => !s.job && !s.dead && s.memoryMb === memoryMb);
    if (!slot) slot = this.spawn(memoryMb);
    clearTimeout(slot.idleTimer);
    slot.worker.ref();
    const id = ++this.nextId;
    const { limits } = job.input;
    const timer = setTimeout(() => {
      this.fail(
        slot,
        new InputError(job.input.displayPath, `parsing took longer than the ${seconds(limits.parseTimeoutMs)} limit; refusing the file`),
      );
    }, limits.parseTimeoutMs);
    slot.job = { id, job, timer };
    this.peakRunning = Math.max(this.peakRunning, this.busy());
    const { bytes, modifiedAt, ...rest } = job.input;
    const request: ParseRequest = {
      id,
      input: { ...rest, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), modifiedAt: modifiedAt.toISOString() },
    };
    slot.worker.postMessage(request);
  }

  private spawn(memoryMb: number): Slot {
    const worker = startWorker(WORKER_ENTRY, {
      // The old generation holds what a parser builds (strings, DOM nodes, XML trees): the bulk of any blow-up.
      maxOldGenerationSizeMb: memoryMb,
      maxYoungGenerationSizeMb: Math.max(4, Math.min(64, Math.round(memoryMb / 8))),
      stackSizeMb: 4,
    });
    const slot: Slot = { worker, memoryMb, dead: false };
    this.slots.add(slot);
    worker.on('message', (reply: ParseReply) => {
      const running = slot.job;
      if (!running || running.id !== reply.id) return;
      clearTimeout(running.timer);
      slot.job = undefined;
      if (reply.ok) running.job.resolve(reply.document);
      else if (reply.inputError) running.job.reject(new InputError(reply.inputError.path, reply.inputError.reason));
      else running.job.reject(new Error(reply.message));
      this.rest(slot);
      this.drain();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const displayPath = slot.job?.job.input.displayPath ?? 'a file';
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap limit|allocation failed/i.test(error.message);
      this.fail(
        slot,
        memory
          ? new InputError(displayPath, `parsing needed more than the ${formatMb(slot.memoryMb)} memory limit; refusing the file`)
          : new Error(`the file parser stopped unexpectedly while reading ${displayPath}: ${error.message}`, { cause: error }),
      );
    });
    worker.on('exit', (code) => {
      if (!slot.dead) this.fail(slot, new Error(`the file parser exited unexpectedly (code ${code})`));
    });
    return slot;
  }

  /** Back to idle: unref'd (an idle parser never keeps the process alive), and ended after a while. */
  private rest(slot: Slot): void {
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => this.retire(slot), IDLE_MS);
    slot.idleTimer.unref();
  }

  /** The job on this worker fails with `error`; the worker is ended (a hit limit leaves it unusable). */
  private fail(slot: Slot, error: Error): void {
    const running = slot.job;
    slot.job = undefined;
    if (running) {
      clearTimeout(running.timer);
      running.job.reject(error);
    }
    this.retire(slot);
    this.drain();
  }

  private retire(slot: Slot): void {
    if (slot.dead) return;
    slot.dead = true;
    clearTimeout(slot.idleTimer);
    this.slots.delete(slot);
    void slot.worker.terminate().catch(() => undefined);
  }
}

const pool = new ParsePool();

/** Parses one file in a worker thread, within its limits (parseMemoryMb, parseTimeoutMs, maxParallelParses). */
export function parseInWorker(input: FileInput): Promise<SourceDocument> {
  return pool.parse(input);
}

/** The most parses that ran at once since the last reset (tests, metrics). */
export function peakParallelParses(reset = false): number {
  const peak = pool.peakRunning;
  if (reset) pool.peakRunning = 0;
  return peak;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

function formatMb(mb: number): string {
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : `${mb} MB`;
}

/**
 * Starts the worker on a TypeScript entry. Node 20 does not apply `--import tsx` to worker threads, so a one-line
 * bootstrap registers tsx inside the thread, then imports the entry (as the local embedder's workers do). A
 * compiled `.js` entry starts directly.
 */
function startWorker(entry: URL, resourceLimits: ResourceLimits): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { resourceLimits });
  const bootstrap =
    `import(${JSON.stringify(tsxEsmApiUrl())})` + `.then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, execArgv: [], resourceLimits });
}

/** `tsx/esm/api` (import condition), read from tsx's exports map: vitest has no `import.meta.resolve`. */
function tsxEsmApiUrl(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } } | string> };
  const target = manifest.exports?.['./esm/api'];
  const file = typeof target === 'object' ? target.import?.default : undefined;
  if (!file) throw new Error(`cannot find tsx/esm/api in ${manifestPath}`);
  return pathToFileURL(join(dirname(manifestPath), file)).href;
}
