import http from 'node:http';
import { EXIT_OK } from '../exit-codes.ts';
import type { Runtime } from '../runtime.ts';
import { ingestPaths } from './ingest.ts';

/**
 * Runs Lore as a service: brings the configured sources up to date (on a first run that is the
 * sample knowledge base), serves the HTTP API, and shuts everything down cleanly on SIGINT/SIGTERM.
 */
export async function start(runtime: Runtime): Promise<number> {
  const { config, log, chunks } = runtime;
  const firstRun = chunks.counts().documents === 0;
  log.info({ paths: config.filesPaths, firstRun }, firstRun ? 'indexing the configured sources for the first time' : 'syncing the configured sources');
  const summary = await ingestPaths(runtime, config.filesPaths, true);
  log.info({ ...summary, failed: summary.failed.length }, 'sources indexed');
  for (const failure of summary.failed) log.warn(failure, 'input not indexed');

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      const counts = chunks.counts();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', ...counts }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  log.info({ port: config.port, ...chunks.counts() }, `Lore is running: http://localhost:${config.port}/health`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  log.info({ signal }, 'shutting down');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return EXIT_OK;
}
