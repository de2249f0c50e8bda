// One way to build the `@google/genai` client, shared by the embedder and the generator, so both surface
// HTTP status and Retry-After the same way.
import { GoogleGenAI } from '@google/genai';
import { toGeminiHttpError } from './gemini-http-error.ts';

export interface GeminiClientOptions {
  apiKey: string;
  /** API root, e.g. a local fake in tests; defaults to Google's. */
  baseUrl?: string;
}

/**
 * The SDK's `ApiError` keeps only the status and body, dropping `Retry-After`. The SDK accepts a custom fetch
 * (`httpOptions.fetch`) and passes errors thrown by it through unchanged, so non-2xx responses are turned into
 * `GeminiHttpError`s here, where the headers are still at hand.
 */
function fetchKeepingRetryAfter(apiKey: string): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!response.ok) throw await toGeminiHttpError(response, apiKey);
    return response;
  };
}

/** A Gemini API (not Vertex) client whose HTTP failures are `GeminiHttpError`s. The SDK itself never retries. */
export function createGeminiClient(options: GeminiClientOptions): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: options.apiKey,
    vertexai: false,
    httpOptions: {
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      fetch: fetchKeepingRetryAfter(options.apiKey),
    },
  });
}
