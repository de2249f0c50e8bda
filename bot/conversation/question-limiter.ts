import Bottleneck from 'bottleneck';
import { closeBucketGroups } from '../../rag/close-bucket-groups.ts';
import { LoreError } from '../../rag/errors.ts';

// Per-user and per-channel limits on questions (LORE_RATE_USER_PER_MINUTE, LORE_RATE_CHANNEL_PER_MINUTE). Each is
// a token bucket: a burst of up to the per-minute figure, then one more every minute/figure. A question over the
// limit is queued, not refused, and the asker is told where it stands; only a long queue refuses new questions.
// With a shared datastore (bottleneck on Redis, passed in by app/) the buckets are shared by every replica; the
// queue of waiting questions stays in the process that received them.

export interface QuestionLimits {
  userPerMinute: number;
  channelPerMinute: number;
  /** The "minute" (tests shorten it). */
  windowMs?: number;
  /** Questions one user (or channel) may have waiting; past that, new ones are refused. */
  maxQueued?: number;
  /** bottleneck datastore options (e.g. `{ datastore: 'ioredis', connection }`) for buckets shared across processes. */
  datastore?: Pick<Bottleneck.ConstructorOptions, 'datastore' | 'connection' | 'clientOptions' | 'clearDatastore'>;
}

export interface QueuedNotice {
  /** 1 = next in line. */
  position: number;
  /** Rough upper bound on the wait. */
  waitMs: number;
}

/** Too many questions are already waiting for this user or channel. */
export class QueueFullError extends LoreError {
  override readonly code: string = 'queue_full';
  override name = 'QueueFullError';
}

/** Lore is shutting down: waiting questions are dropped. */
export class LimiterStoppedError extends LoreError {
  override readonly code: string = 'limiter_stopped';
  override name = 'LimiterStoppedError';
}

export class QuestionLimiter {
  private stopped = false;
  private readonly users: Bottleneck.Group;
  private readonly channels: Bottleneck.Group;
  private readonly userIntervalMs: number;
  private readonly channelIntervalMs: number;
  private readonly inProcess: boolean;

  constructor(limits: QuestionLimits) {
    const windowMs = limits.windowMs ?? 60_000;
    const maxQueued = limits.maxQueued ?? 5;
    this.inProcess = (limits.datastore?.datastore ?? 'local') === 'local';
    this.userIntervalMs = windowMs / limits.userPerMinute;
    this.channelIntervalMs = windowMs / limits.channelPerMinute;
    this.users = new Bottleneck.Group({
      id: 'lore-questions-user',
      ...bucket(limits.userPerMinute, this.userIntervalMs, maxQueued),
      ...shared(limits, this.userIntervalMs),
    });
    this.channels = new Bottleneck.Group({
      id: 'lore-questions-channel',
      ...bucket(limits.channelPerMinute, this.channelIntervalMs, maxQueued * 4),
      ...shared(limits, this.channelIntervalMs),
    });
  }

  /**
   * Runs `task` once both the user and the channel have room. When it has to wait, `onQueued` is called first
   * (before the wait) with its place in the longer of the two queues. Rejects with QueueFullError when the queue
   * is already full, without running the task.
   */
  async run<T>(userKey: string, channelKey: string, onQueued: (notice: QueuedNotice) => void, task: () => Promise<T>): Promise<T> {
    const user = this.users.key(userKey);
    const channel = this.channels.key(channelKey);
    const [userWait, channelWait] = await Promise.all([waitAhead(user, this.userIntervalMs), waitAhead(channel, this.channelIntervalMs)]);
    const ahead = [userWait, channelWait].filter((wait): wait is QueuedNotice => wait !== undefined);
    if (ahead.length > 0) {
      onQueued({ position: Math.max(...ahead.map((w) => w.position)), waitMs: Math.max(...ahead.map((w) => w.waitMs)) });
    }
    try {
      return await user.schedule(() => channel.schedule(task));
    } catch (error) {
      if (error instanceof Bottleneck.BottleneckError && this.stopped) throw new LimiterStoppedError('Lore is shutting down');
      if (error instanceof Bottleneck.BottleneckError) throw new QueueFullError('too many questions are already waiting');
      throw error;
    }
  }

  /** Drops waiting questions and stops the buckets (a shared datastore keeps their state for the other replicas). */
  async stop(): Promise<void> {
    this.stopped = true;
    const limiters = [...this.users.limiters(), ...this.channels.limiters()].map(({ limiter }) => limiter);
    await Promise.all(limiters.map((limiter) => limiter.stop({ dropWaitingJobs: true }).catch(() => undefined)));
    await closeBucketGroups([this.users, this.channels], this.inProcess);
  }
}

function bucket(perMinute: number, intervalMs: number, maxQueued: number): Bottleneck.ConstructorOptions {
  return {
    reservoir: perMinute,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: intervalMs,
    reservoirIncreaseMaximum: perMinute,
    highWater: maxQueued,
    strategy: Bottleneck.strategy.OVERFLOW,
  };
}

/**
 * In a shared datastore a refill is noticed by the next call or heartbeat (bottleneck's default: every 5 s);
 * a beat of a quarter of the refill interval keeps a queued question from waiting much past its turn.
 */
function shared(limits: QuestionLimits, intervalMs: number): Bottleneck.ConstructorOptions {
  if (!limits.datastore) return {};
  return { ...limits.datastore, heartbeatInterval: Math.round(Math.min(5_000, Math.max(250, intervalMs / 4))) };
}

/** Undefined when a job submitted now would start at once. */
async function waitAhead(limiter: Bottleneck, intervalMs: number): Promise<QueuedNotice | undefined> {
  const reservoir = (await limiter.currentReservoir()) ?? Number.POSITIVE_INFINITY;
  const counts = limiter.counts();
  const waiting = counts.RECEIVED + counts.QUEUED;
  if (reservoir > waiting) return undefined;
  const position = waiting - reservoir + 1;
  return { position, waitMs: Math.ceil(position * intervalMs) };
}
