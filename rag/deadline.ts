// One deadline per answer, shared out among its steps. Someone is waiting in chat: a step that cannot finish in
// its share is cut short (an optional one skipped, with a note) rather than letting the whole answer run late.
import { AsyncLocalStorage } from 'node:async_hooks';

/** The moment an answer (or one of its steps) must be done by, and the notes of steps skipped to meet it. */
export class Deadline {
  private constructor(
    /** Epoch ms. */
    readonly at: number,
    /** Length of the whole answer's deadline, for messages ("the 20 s answer deadline"). */
    readonly totalMs: number,
    /** Shared by an answer's deadline and every step cut from it, so notes from any step reach the answer. */
    readonly notes: string[],
    private readonly now: () => number,
  ) {}

  /** A deadline `ms` from now. */
  static after(ms: number, now: () => number = Date.now): Deadline {
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`Deadline: expected a positive number of ms, got ${ms}`);
    return new Deadline(now() + ms, ms, [], now);
  }

  remainingMs(): number {
    return Math.max(0, this.at - this.now());
  }

  get expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /**
   * A step's deadline: at most `share` (0–1) of the answer's whole deadline from now, and never later than this
   * deadline minus `reserveMs` (time kept for what must run after the step, such as the extractive fallback).
   */
  step(share: number, reserveMs = 0): Deadline {
    const at = Math.min(this.now() + share * this.totalMs, this.at - reserveMs);
    return new Deadline(Math.max(this.now(), at), this.totalMs, this.notes, this.now);
  }

  /** Records a user-visible note (one line), once. */
  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }
}

const current = new AsyncLocalStorage<Deadline>();

/**
 * Runs `fn` with `deadline` as the current one. Retries (`withRetry`) inside read it, so a step's Gemini calls
 * honour its share without every interface on the way (retriever, embedder, reranker) passing it along.
 */
export function withinDeadline<T>(deadline: Deadline, fn: () => Promise<T>): Promise<T> {
  return current.run(deadline, fn);
}

/** The deadline of the step running now, if any (none during ingestion and other background work). */
export function currentDeadline(): Deadline | undefined {
  return current.getStore();
}
