import { LoreError } from '../../rag/errors.ts';
// A chat platform that could not answer a question Lore asked it (who is this user, what is this file) is not the
// same as a platform that said no: the first is worth retrying in a moment, the second is final. Adapters throw
// this for the first so that replies say what really happened ("Slack is rate limiting Lore") instead of what a
// refusal would say ("only admins may…").

export type UnavailableReason = 'rate-limited' | 'unavailable';

export class PlatformUnavailableError extends LoreError {
  override readonly code: string = 'platform_unavailable';
  override name = 'PlatformUnavailableError';

  constructor(
    /** As people write it: `Slack`, `Discord`. */
    readonly platform: string,
    readonly reason: UnavailableReason,
    options?: ErrorOptions,
  ) {
    super(reason === 'rate-limited' ? `${platform} is rate limiting Lore` : `${platform} did not answer`, options);
  }
}

/** One line for people: what the platform did, without its error codes. */
export function describeUnavailable(error: PlatformUnavailableError): string {
  return error.reason === 'rate-limited'
    ? `${error.platform} is rate limiting Lore right now`
    : `${error.platform} is not answering right now (it may be having trouble)`;
}
