// "Lore is typing…" while an answer is being worked on. Discord shows the indicator for about 10 seconds (or until
// Lore posts), so it is renewed every few seconds until the last piece of work in that channel is done. Several
// questions in one channel share one indicator.

export class TypingIndicator {
  private readonly active = new Map<string, { count: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly sendTyping: (channelId: string) => Promise<void>,
    private readonly onError: (error: unknown, channelId: string) => void,
    private readonly renewMs = 8_000,
  ) {}

  start(channelId: string): void {
    const entry = this.active.get(channelId);
    if (entry) {
      entry.count += 1;
      return;
    }
    const send = () => void this.sendTyping(channelId).catch((error: unknown) => this.onError(error, channelId));
    const timer = setInterval(send, this.renewMs);
    timer.unref();
    this.active.set(channelId, { count: 1, timer });
    send();
  }

  stop(channelId: string): void {
    const entry = this.active.get(channelId);
    if (!entry) return;
    entry.count -= 1;
    if (entry.count > 0) return;
    clearInterval(entry.timer);
    this.active.delete(channelId);
  }

  close(): void {
    for (const { timer } of this.active.values()) clearInterval(timer);
    this.active.clear();
  }
}
