import { parentPort } from 'node:worker_threads';
import type { FileInput } from './file-document.ts';
import { InputError } from './input-error.ts';
import { LOADERS } from './loaders.ts';

// The worker thread every file is parsed in (see parse-in-worker.ts): it runs the loader for the file's kind and
// posts back the document, or why the file was refused. Whatever a hostile file makes the parser do, it does it
// here, within this thread's memory limit and the time the main thread allows, never in the serving thread.

/** The request: a FileInput whose bytes are a plain Uint8Array and whose date is an ISO string. */
export interface ParseRequest {
  id: number;
  input: Omit<FileInput, 'bytes' | 'modifiedAt'> & { bytes: Uint8Array; modifiedAt: string };
}

export type ParseReply =
  | { id: number; ok: true; document: import('../../rag/types.ts').SourceDocument }
  | { id: number; ok: false; inputError?: { path: string; reason: string }; message: string };

const port = parentPort;
if (port) {
  port.on('message', (request: ParseRequest) => {
    void parse(request).then((reply) => port.postMessage(reply));
  });
}

async function parse({ id, input }: ParseRequest): Promise<ParseReply> {
  try {
    const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
    const load = await LOADERS[input.format.kind]();
    const document = await load({ ...input, bytes, modifiedAt: new Date(input.modifiedAt) });
    return { id, ok: true, document };
  } catch (error) {
    if (error instanceof InputError) return { id, ok: false, inputError: { path: error.path, reason: error.reason }, message: error.message };
    return { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
