import { errorMessage } from '../rag/errors.ts';
import type { Logger } from './logger.ts';

// Keeps one chat platform connected without holding up the rest of Lore: the first connection is made in the
// background (HTTP and the other platform start whatever this one does), a failed connection is retried with
// backoff, and a client that fails after connecting is stopped and replaced. Its state is served at /ready and
// /metrics: lore_chat_platform_connected{platform} (1 or 0) and lore_chat_platform_failures_total{platform,kind}
// (kind: connect, crash). A platform that only one replica may connect at a time (Discord's gateway) is given
// `takeTurns`: the supervisor connects only during this replica's turn (a lease in the shared store) and disconnects
// when the turn ends; meanwhile it stands by.

/** `standby`: another replica holds the turn to connect; this one connects when the turn passes to it. */
export type PlatformState = 'standby' | 'connecting' | 'connected' | 'retrying' | 'failed' | 'stopped';

/** What /ready shows of a platform: never an error's text, which can name hosts (the log has it). */
export interface PlatformStatus {
  state: PlatformState;
  /** When the state last changed (ISO). */
  since: string;
  /** Failed connections (and failures after connecting) since it was last connected. */
  failures: number;
  /** The next connection attempt, while retrying (ISO). */
  nextAttemptAt?: string;
}

/** Where the supervisor counts (the Metrics of GET /metrics). */
export interface PlatformMetrics {
  increment(name: string, labels: Record<string, string>): void;
  set(name: string, labels: Record<string, string>, value: number): void;
}

export interface ConnectedPlatform {
  stop(): Promise<void>;
}

/**
 * Asks for this replica's turn to connect until stopped: `onTurn` is called each time the turn comes to it, with a
 * signal that aborts when the turn ends (lost, or given back by `stop()`). `lore start` hands it a lease's keeper.
 */
export type TakeTurns = (onTurn: (turn: AbortSignal) => void) => { stop(): Promise<void> };

export interface PlatformSupervisorOptions<T extends ConnectedPlatform> {
  platform: string;
  /** Connects once; `onFailure` is for the client to say it failed after connecting. Rejects when it cannot. */
  connect: (onFailure: (error: Error) => void) => Promise<T>;
  log: Logger;
  metrics?: PlatformMetrics;
  /** A failure retrying cannot mend (a rejected token): the platform stays down, said once at error level. */
  isPermanent?: (error: Error) => boolean;
  /** Backoff: the first wait, doubled after each failure up to the longest. Defaults 2 s and 5 minutes. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Connect only during this replica's turn; without, always. */
  takeTurns?: TakeTurns;
}

export class PlatformSupervisor<T extends ConnectedPlatform> {
  private state: PlatformState = 'connecting';
  private since = new Date().toISOString();
  private failures = 0;
  private nextAttemptAt: string | undefined;
  private client: T | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private waiters: Array<{ resolve: (client: T) => void; reject: (error: Error) => void }> = [];
  private turn: AbortSignal | undefined;
  private turns: { stop(): Promise<void> } | undefined;

  constructor(private readonly options: PlatformSupervisorOptions<T>) {
    this.options.metrics?.set('lore_chat_platform_connected', { platform: options.platform }, 0);
    if (options.takeTurns) this.state = 'standby';
  }

  /** Starts connecting in the background (with `takeTurns`, once this replica's turn comes); returns at once. */
  start(): void {
    if (this.loop) return;
    if (this.options.takeTurns) {
      this.turns = this.options.takeTurns((turn) => {
        this.turn = turn;
        turn.addEventListener('abort', () => this.wake?.(), { once: true });
        this.wake?.();
      });
    }
    this.loop = this.run();
  }

  /** The connected client, if any right now. */
  get current(): T | undefined {
    return this.client;
  }

  /**
   * Resolves with the client once connected (at once when it is); rejects when the platform is given up for good or
   * stopped first. For callers that want to wait (tests, one-off commands); `lore start` never does.
   */
  whenConnected(): Promise<T> {
    if (this.client) return Promise.resolve(this.client);
    if (this.state === 'failed' || this.state === 'stopped') return Promise.reject(new Error(`${this.options.platform} is ${this.state}`));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  status(): PlatformStatus {
    return { state: this.state, since: this.since, failures: this.failures, ...(this.nextAttemptAt ? { nextAttemptAt: this.nextAttemptAt } : {}) };
  }

  /** Stops retrying and disconnects the client (waiting for its answers in progress), then gives the turn back. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await this.client?.stop();
    this.client = undefined;
    // Only once disconnected: the replica taking the turn over must not connect beside this one.
    await this.turns?.stop();
    this.setState('stopped');
  }

  /** Whether this replica may connect now. */
  private myTurn(): boolean {
    return !this.options.takeTurns || (this.turn !== undefined && !this.turn.aborted);
  }

  private async run(): Promise<void> {
    const { platform, log } = this.options;
    const initial = this.options.initialDelayMs ?? 2_000;
    const longest = this.options.maxDelayMs ?? 300_000;
    let delayMs = initial;
    while (!this.stopping) {
      if (!this.myTurn()) {
        this.setState('standby');
        await this.sleepUntilWoken();
        continue;
      }
      this.setState('connecting');
      let crashed: Error | undefined;
      let onCrash: () => void = () => undefined;
      const crash = new Promise<void>((resolve) => (onCrash = resolve));
      try {
        const client = await this.options.connect((error) => {
          crashed = error;
          onCrash();
        });
        if (this.stopping) {
          await client.stop();
          return;
        }
        if (!this.myTurn()) {
          // The turn ended while connecting: another replica may be connecting now.
          await client.stop();
          continue;
        }
        this.client = client;
        this.failures = 0;
        delayMs = initial;
        this.options.metrics?.set('lore_chat_platform_connected', { platform }, 1);
        this.setState('connected');
        // Connected until the client fails (or Lore stops): then it is replaced by a new one.
        await Promise.race([crash, this.sleepUntilWoken()]);
        if (this.stopping) return;
        this.client = undefined;
        this.options.metrics?.set('lore_chat_platform_connected', { platform }, 0);
        if (crashed === undefined && !this.myTurn()) {
          // Another replica took the turn over (this one could not renew its lease in time): disconnect, stand by.
          log.warn({ platform, reason: errorMessage(this.turn?.reason) }, `this replica lost its turn to connect ${platform}: disconnecting`);
          await client.stop().catch((error: unknown) => log.warn({ platform, err: error }, `stopping the ${platform} client failed`));
          continue;
        }
        this.failures += 1;
        this.options.metrics?.increment('lore_chat_platform_failures_total', { platform, kind: 'crash' });
        await client.stop().catch((error: unknown) => log.warn({ platform, err: error }, `stopping the failed ${platform} client failed`));
        log.error({ platform, err: crashed }, `the ${platform} client failed: connecting a new one`);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.failures += 1;
        this.options.metrics?.increment('lore_chat_platform_failures_total', { platform, kind: 'connect' });
        if (this.options.isPermanent?.(failure)) {
          log.error({ platform, reason: failure.message }, `${failure.message}; ${platform} stays disconnected until Lore restarts`);
          this.setState('failed');
          return;
        }
        this.nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
        this.setState('retrying');
        log.error(
          { platform, reason: failure.message, failures: this.failures, retryInSeconds: Math.round(delayMs / 1000) },
          `${failure.message}; retrying in ${Math.round(delayMs / 1000)} s`,
        );
        await this.sleepUntilWoken(delayMs);
        this.nextAttemptAt = undefined;
        delayMs = Math.min(delayMs * 2, longest);
      }
    }
  }

  /** Waits `ms` (forever without it) or until `stop()`. */
  private sleepUntilWoken(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private setState(state: PlatformState): void {
    if (state === this.state) return;
    this.state = state;
    this.since = new Date().toISOString();
    if (state === 'connected' || state === 'failed' || state === 'stopped') {
      const waiters = this.waiters.splice(0);
      for (const waiter of waiters) {
        if (state === 'connected' && this.client) waiter.resolve(this.client);
        else waiter.reject(new Error(`${this.options.platform} is ${state}`));
      }
    }
  }
}
