import { once } from 'node:events';
import { type Client, DiscordjsError, DiscordjsErrorCodes, Events, GatewayCloseCodes } from 'discord.js';
import { errorMessage, LoreError } from '../../rag/errors.ts';

// Logging in to Discord's gateway, and telling a failure someone has to mend from one that retrying may.

/**
 * The gateway closed the connection while logging in with a code after which discord.js does not reconnect
 * (authentication failed, invalid or disallowed intents, sharding). discord.js rejects its login with only a
 * message ("Authentication failed", "Used disallowed intents"); the close code comes with its `shardDisconnect`
 * event, and is kept here so the failure is recognised by it.
 */
export class GatewayClosedError extends LoreError {
  readonly code = 'discord_gateway_closed';

  constructor(
    /** The gateway's close code, e.g. 4004 (`GatewayCloseCodes.AuthenticationFailed`). */
    readonly closeCode: number,
    options?: ErrorOptions,
  ) {
    const why = options?.cause === undefined ? 'the gateway closed the connection' : errorMessage(options.cause);
    super(`${why} (gateway close code ${closeCode})`, options);
  }
}

/**
 * Logs in and waits for the servers to load, within `timeoutMs` and `attempts` failed gateway connections: on its
 * own, discord.js's login never returns while the gateway refuses connections (it retries forever). Rejects with a
 * GatewayClosedError when the gateway closed the connection for good.
 */
export async function login(client: Client, token: string, timeoutMs: number, attempts: number): Promise<void> {
  const controller = new AbortController();
  let failures = 0;
  let lastReason: string | undefined;
  let closeCode: number | undefined;
  const giveUp = (why: string) => controller.abort(new Error(lastReason ? `${why} (${lastReason})` : why));
  const timer = setTimeout(() => giveUp(`the gateway did not finish loading within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
  const onError = (error: Error) => (lastReason = error.message);
  // discord.js tells a gateway it cannot reach, or one that closed with a code it retries after, only in its debug
  // lines: read here for the reason a failed login gives, never to decide anything.
  const onDebug = (message: string) => {
    if (/network error/i.test(message)) lastReason = 'could not reach the gateway: network error';
    else if (/closed with an unexpected code (\d+)/.test(message))
      lastReason ??= `the gateway closed the connection (${/code (\d+)/.exec(message)![1]})`;
  };
  const onReconnecting = () => {
    failures += 1;
    if (failures >= attempts) giveUp(`the gateway refused ${failures} connections in a row`);
  };
  // Emitted only for the close codes discord.js does not reconnect after; its login rejects right after.
  const onDisconnect = (event: { code: number }) => (closeCode = event.code);
  client.on(Events.ShardError, onError);
  client.on(Events.Debug, onDebug);
  client.on(Events.ShardReconnecting, onReconnecting);
  client.on(Events.ShardDisconnect, onDisconnect);
  const ready = once(client, Events.ClientReady, { signal: controller.signal });
  // Without listeners, a rejection that lost the race would be unhandled.
  ready.catch(() => undefined);
  const loggingIn = client.login(token);
  loggingIn.catch(() => undefined);
  const stopped = new Promise<never>((_, reject) =>
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true }),
  );
  stopped.catch(() => undefined);
  try {
    await Promise.race([loggingIn.then(() => ready), stopped]);
  } catch (error) {
    throw closeCode === undefined ? error : new GatewayClosedError(closeCode, { cause: error });
  } finally {
    clearTimeout(timer);
    controller.abort();
    client.off(Events.ShardError, onError);
    client.off(Events.Debug, onDebug);
    client.off(Events.ShardReconnecting, onReconnecting);
    client.off(Events.ShardDisconnect, onDisconnect);
  }
}

type LoginRefusal = 'token' | 'intents';

/**
 * What Discord refused, by class and code: the token (discord.js's TokenInvalid, which it raises when the REST API
 * answers 401 for the gateway's address, or the gateway's close code 4004) or the intents (close code 4013 or 4014).
 */
function refusal(error: unknown): LoginRefusal | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DiscordjsError && e.code === DiscordjsErrorCodes.TokenInvalid) return 'token';
    if (e instanceof GatewayClosedError) {
      if (e.closeCode === GatewayCloseCodes.AuthenticationFailed) return 'token';
      if (e.closeCode === GatewayCloseCodes.InvalidIntents || e.closeCode === GatewayCloseCodes.DisallowedIntents) return 'intents';
    }
  }
  return undefined;
}

/** A login failure that retrying cannot mend (the token or the intents were refused): someone has to act. */
export function isPermanentLoginFailure(error: Error): boolean {
  return refusal(error) !== undefined;
}

/** Why logging in failed, in words that say what to do when someone has to act. */
export function explainLoginError(error: unknown): string {
  switch (refusal(error)) {
    case 'token':
      return 'DISCORD_TOKEN was rejected: copy the bot token again from the Developer Portal (Bot → Reset Token).';
    case 'intents':
      return 'Discord refused the gateway intents Lore needs: turn on "Message Content Intent" under Bot → Privileged Gateway Intents in the Developer Portal.';
    default:
      return errorMessage(error);
  }
}
