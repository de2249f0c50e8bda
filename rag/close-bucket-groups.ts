// How a group of bottleneck token buckets (one per user, channel or API key) is closed, for every limiter of Lore
// that keeps one.
import type Bottleneck from 'bottleneck';

/**
 * Closes `groups`. In process, disconnecting ends each bucket's refill timer. Buckets in Redis end with the
 * connection: one passed in is closed by its owner, one a group opened by the group. Disconnecting them one by one
 * would send unsubscribes that bottleneck never awaits, which reject unhandled (ending the process) if the
 * connection closes before Redis answers.
 */
export async function closeBucketGroups(groups: readonly Bottleneck.Group[], inProcess: boolean): Promise<void> {
  if (inProcess) await Promise.all(groups.flatMap((group) => group.limiters().map(({ limiter }) => limiter.disconnect())));
  await Promise.all(groups.map((group) => group.disconnect(true)));
}
