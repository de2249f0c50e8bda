// Runs the Chroma server shipped in the `chromadb` npm package, tied to the life of the Lore process
// that spawned it. The native server blocks the thread it runs on, so it runs in a worker while this
// thread watches stdin: when Lore exits — even when killed with SIGKILL — the pipe closes and the
// server goes with it, so no orphaned Chroma is ever left holding the data directory.
import { createRequire } from 'node:module';
import { Worker, isMainThread, workerData } from 'node:worker_threads';

if (isMainThread) {
  const server = new Worker(new URL(import.meta.url), { workerData: process.argv.slice(2) });
  server.on('error', (error) => {
    console.error(`chroma server failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
  server.on('exit', (code) => process.exit(code));
  // No SIGTERM handler on purpose: the default action ends the process at once, which a JS handler
  // cannot do while the worker is blocked inside native code.
  process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
  process.stdin.resume();
} else {
  const require = createRequire(import.meta.url);
  const chromaRequire = createRequire(require.resolve('chromadb'));
  const suffix = { linux: '-gnu', win32: '-msvc' }[process.platform] ?? '';
  const binding = chromaRequire(`chromadb-js-bindings-${process.platform}-${process.arch}${suffix}`);
  binding.cli(['chroma', ...workerData]);
}
