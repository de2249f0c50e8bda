import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.ts';

// The web playground: three fixed files from app/http/playground/, nothing else from that folder (no path is ever
// taken from the URL). The page may load only its own script, style and API: a strict Content-Security-Policy.

export const PLAYGROUND_DIR = fileURLToPath(new URL('../playground/', import.meta.url));

export const PLAYGROUND_CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

const FILES: ReadonlyArray<{ route: string; file: string; type: string }> = [
  { route: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { route: '/playground.js', file: 'playground.js', type: 'text/javascript; charset=utf-8' },
  { route: '/playground.css', file: 'playground.css', type: 'text/css; charset=utf-8' },
];

export function registerPlaygroundRoutes(app: FastifyInstance, dir: string = PLAYGROUND_DIR): void {
  for (const { route, file, type } of FILES) {
    app.get(route, async (_request, reply) => {
      let body: Buffer;
      try {
        // Read per request: the files are small, and an edited page shows without a restart.
        body = await fs.readFile(path.join(dir, file));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new HttpError(404, 'not_found', `the playground has no ${file}`);
        throw error;
      }
      return reply
        .type(type)
        .header('content-security-policy', PLAYGROUND_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-cache')
        .send(body);
    });
  }
}
