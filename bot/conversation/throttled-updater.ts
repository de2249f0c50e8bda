// Streaming an answer means editing one message many times; platforms rate-limit edits (Slack's chat.update is
// Tier 3, about 50 a minute). Only the latest text matters, so intermediate versions are coalesced: at most one
// edit per interval, one in flight at a time, and the final version always lands last.

export class ThrottledUpdater<M> {
  private pending?: M;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private lastSentAt = 0;
  private finished = false;

  constructor(
    private readonly send: (message: M) => Promise<void>,
    private readonly intervalMs: number,
    /** A failed intermediate edit is not fatal: the next one (or the final one) replaces it. */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Shows `message` soon; replaces any version not sent yet. */
  push(message: M): void {
    if (this.finished) return;
    this.pending = message;
    this.schedule();
  }

  /** Drops versions not sent yet, waits for the edit in flight, then sends `message`; its failure is thrown. */
  async finish(message: M): Promise<void> {
    await this.cancel();
    await this.send(message);
  }

  /** Stops for good: versions not sent yet are dropped; resolves once the edit in flight has finished. */
  async cancel(): Promise<void> {
    this.finished = true;
    this.pending = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.inFlight !== undefined) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    const message = this.pending;
    if (message === undefined || this.finished) return;
    this.pending = undefined;
    this.inFlight = this.send(message)
      .catch(this.onError)
      .finally(() => {
        this.lastSentAt = Date.now();
        this.inFlight = undefined;
        if (this.pending !== undefined) this.schedule();
      });
  }
}
