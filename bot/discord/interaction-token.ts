// Interaction replies go to URLs that contain the interaction's token (`/webhooks/<app>/<token>`,
// `/interactions/<id>/<token>/callback`), a credential for answering it. discord.js puts the URL in its errors, and
// errors are logged: the token is cut out of them before they leave the Discord adapter.

const TOKEN_IN_URL = /(\/(?:webhooks|interactions)\/\d+\/)[^/?#]+/g;

/** The error, with any interaction token in its URL replaced. */
export function withoutInteractionToken<E>(error: E): E {
  if (error && typeof error === 'object' && 'url' in error && typeof error.url === 'string') {
    try {
      (error as { url: string }).url = error.url.replace(TOKEN_IN_URL, '$1[token]');
    } catch {
      // A read-only url: the error is logged as it is rather than lost.
    }
  }
  return error;
}

/** Runs a call that uses an interaction token, rethrowing its failure without the token. */
export async function guardInteractionToken<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw withoutInteractionToken(error);
  }
}
