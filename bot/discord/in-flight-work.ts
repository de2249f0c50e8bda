/**
 * The work started from Discord events. Stopping refuses new work and waits for what is running: once the client
 * is destroyed, nothing can be posted.
 */
export class InFlightWork {
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  /** True once `drain` was called: events are no longer taken. */
  get stopping(): boolean {
    return this.stopped;
  }

  /** Pieces of work still running. */
  get size(): number {
    return this.running.size;
  }

  /** Starts `work` unless stopping; a failure goes to `onError`. */
  run(work: () => Promise<unknown>, onError: (error: unknown) => void): void {
    if (this.stopped) return;
    const running = work().catch(onError);
    this.running.add(running);
    void running.finally(() => this.running.delete(running));
  }

  /** Stops taking work and waits for what is running; true when all of it finished within the time. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.stopped = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.allSettled([...this.running]).then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
