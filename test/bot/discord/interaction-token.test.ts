import { DiscordAPIError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { guardInteractionToken, withoutInteractionToken } from '../../../bot/discord/interaction-token.ts';

describe('interaction tokens in errors', () => {
  it('are cut out of the URL of a failed interaction call', async () => {
    const error = new DiscordAPIError(
      { message: 'Unknown Webhook', code: 10015 },
      10015,
      404,
      'PATCH',
      'https://discord.com/api/v10/webhooks/1100000000000000002/aW50ZXJhY3Rpb246c2VjcmV0/messages/@original',
      { body: undefined, files: undefined },
    );
    const thrown = await guardInteractionToken(() => Promise.reject(error)).catch((e: unknown) => e as DiscordAPIError);
    expect(thrown).toBe(error);
    expect(thrown.url).toBe('https://discord.com/api/v10/webhooks/1100000000000000002/[token]/messages/@original');
    expect(JSON.stringify({ ...thrown, message: thrown.message })).not.toContain('aW50ZXJhY3Rpb246c2VjcmV0');
  });

  it('are cut out of interaction callback URLs, and other errors pass unchanged', () => {
    const callback = withoutInteractionToken({ url: '/api/v10/interactions/123/secret-token/callback?with_response=false' });
    expect(callback.url).toBe('/api/v10/interactions/123/[token]/callback?with_response=false');
    const plain = new Error('boom');
    expect(withoutInteractionToken(plain)).toBe(plain);
  });
});
