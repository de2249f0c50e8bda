// Worker-thread entry for LocalEmbedder: one USE-lite model per thread, since the multithreaded WebAssembly
// build does not start in Node. Loads the model at once and answers batches in the order they arrive.
import { parentPort, workerData } from 'node:worker_threads';
import { UseLiteModel } from './use-lite-model.ts';

export interface UseLiteWorkerData {
  modelDirectory?: string;
}

export type UseLiteWorkerRequest = { type: 'embed'; id: number; texts: string[] };

export type UseLiteWorkerReply =
  | { type: 'loaded' }
  | { type: 'load-failed'; message: string }
  /** Row-major, `texts.length × 512`, transferred rather than copied. */
  | { type: 'result'; id: number; vectors: Float32Array }
  | { type: 'error'; id: number; message: string };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

if (parentPort) {
  const port = parentPort;
  const reply = (message: UseLiteWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  const data = (workerData ?? {}) as UseLiteWorkerData;
  const loading = UseLiteModel.load(data.modelDirectory ? { modelDirectory: data.modelDirectory } : {});
  loading.then(
    () => reply({ type: 'loaded' }),
    (error: unknown) => reply({ type: 'load-failed', message: describe(error) }),
  );

  // Batches run strictly one after another; the pool sends the next one early so that this thread finds
  // it waiting instead of idling until the (busy) main thread gets round to dispatching it.
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (request: UseLiteWorkerRequest) => {
    previous = previous.then(async () => {
      try {
        const model = await loading.catch((error: unknown) => {
          throw new Error(`could not load the USE-lite model: ${describe(error)}`);
        });
        const rows = await model.embed(request.texts);
        // The rows are views on one buffer; an empty batch has no rows, hence the fallback.
        const vectors = rows.length > 0 ? new Float32Array((rows[0] as Float32Array).buffer) : new Float32Array(0);
        reply({ type: 'result', id: request.id, vectors }, [vectors.buffer as ArrayBuffer]);
      } catch (error) {
        reply({ type: 'error', id: request.id, message: describe(error) });
      }
    });
  });
}
