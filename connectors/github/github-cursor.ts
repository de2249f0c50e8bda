import { z } from 'zod';
import type { SyncCursor } from '../connector.ts';

/** What one repository's last successful sync left behind: enough to ask GitHub "anything new?" cheaply. */
export interface RepoCursor {
  /** When repository metadata was last read and issues last listed in full (ISO). */
  refreshedAt?: string;
  repoId?: number;
  repoEtag?: string;
  defaultBranch?: string;
  /** `https://github.com/owner/repo` (or the Enterprise host): citation links are built on it. */
  htmlUrl?: string;
  branchEtag?: string;
  treeSha?: string;
  /** Globs and size limit the tree was filtered with: changing them re-lists an unchanged tree. */
  filesKey?: string;
  /** Lower bound (GitHub's clock) for the next incremental issue listing. */
  issuesSince?: string;
  /** ETag of the first page of the issue listing from `issuesSince`: an unchanged listing is a free 304. */
  issuesEtag?: string;
}

const repoCursorSchema = z
  .object({
    refreshedAt: z.string().optional(),
    repoId: z.number().optional(),
    repoEtag: z.string().optional(),
    defaultBranch: z.string().optional(),
    htmlUrl: z.string().optional(),
    branchEtag: z.string().optional(),
    treeSha: z.string().optional(),
    filesKey: z.string().optional(),
    issuesSince: z.string().optional(),
    issuesEtag: z.string().optional(),
  })
  .strip();

const PREFIX = 'repo:';

/** Every repository the cursor knows, including ones no longer configured (their documents must go). */
export function readRepoCursors(cursor: SyncCursor): Map<string, RepoCursor> {
  const repos = new Map<string, RepoCursor>();
  for (const [key, value] of Object.entries(cursor)) {
    if (!key.startsWith(PREFIX)) continue;
    repos.set(key.slice(PREFIX.length), parseRepoCursor(value));
  }
  return repos;
}

/** A damaged entry is treated as a first sync of that repository rather than an error. */
function parseRepoCursor(value: string): RepoCursor {
  try {
    const parsed = repoCursorSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function writeRepoCursors(repos: Map<string, RepoCursor>): SyncCursor {
  const cursor: SyncCursor = {};
  for (const [repo, state] of repos) cursor[`${PREFIX}${repo}`] = JSON.stringify(state);
  return cursor;
}
