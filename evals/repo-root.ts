import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout Lore runs from: default paths of the gate (golden set, thresholds, reports) are relative to it. */
export const REPO_ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
