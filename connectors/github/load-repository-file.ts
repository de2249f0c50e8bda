import { basename } from 'node:path';
import type { SourceDocument } from '../../rag/types.ts';
import { detectFormat, type DetectedFormat } from '../files/detect-format.ts';
import type { FileInput } from '../files/file-document.ts';
import { DEFAULT_FILE_LIMITS, formatBytes, type FileLimits } from '../files/file-limits.ts';
import { InputError } from '../files/input-error.ts';
import { parseInWorker } from '../files/parse-in-worker.ts';
import type { GithubApi } from './github-client.ts';
import { fileLocation, splitRepoName, type RepoName } from './github-locations.ts';

/** One file of a repository at the commit being synced, as listed from its tree. */
export interface RepositoryFile {
  repo: RepoName;
  path: string;
  /** Blob SHA: changes exactly when the content changes. */
  sha: string;
  size: number;
  branch: string;
  /** `https://github.com/owner/repo`: the web address citations link under. */
  htmlUrl: string;
  /** When the file is known to have changed by this commit (ISO); unknown on a first sync. */
  modifiedAt?: string;
}

/**
 * How a repository file is read: by extension like local files, and extension-less files (README,
 * LICENSE, CONTRIBUTING) as plain text. `undefined` for what no reader handles (images, archives).
 */
export function repositoryFileFormat(path: string): DetectedFormat | undefined {
  const name = basename(path);
  if (!name.includes('.') || name.startsWith('.')) return { kind: 'text', extension: '' };
  return detectFormat(path);
}

/** Fetches the blob and converts it the way the files connector converts the same file on disk. */
export async function loadRepositoryFile(api: GithubApi, file: RepositoryFile, limits: FileLimits = DEFAULT_FILE_LIMITS): Promise<SourceDocument> {
  const shownAs = `${file.repo}/${file.path}`;
  const format = repositoryFileFormat(file.path);
  if (!format) throw new InputError(shownAs, 'unsupported file type');
  if (file.size > limits.maxFileBytes) {
    throw new InputError(shownAs, `file is too large: ${formatBytes(file.size)}, over the ${formatBytes(limits.maxFileBytes)} limit`);
  }
  const { owner, repo } = splitRepoName(file.repo);
  const { data } = await api.rest.git.getBlob({ owner, repo, file_sha: file.sha });
  const bytes = data.encoding === 'base64' ? Buffer.from(data.content, 'base64') : Buffer.from(data.content, 'utf8');
  if (bytes.length !== data.size) {
    throw new InputError(shownAs, `GitHub returned ${bytes.length} of the blob's ${data.size} bytes`);
  }
  if (bytes.length > limits.maxFileBytes) {
    throw new InputError(shownAs, `file is too large: ${formatBytes(bytes.length)}, over the ${formatBytes(limits.maxFileBytes)} limit`);
  }
  if (bytes.length === 0) throw new InputError(shownAs, 'file is empty');

  const input: FileInput = {
    absPath: file.path,
    relativePath: file.path,
    displayPath: shownAs,
    format,
    bytes,
    modifiedAt: new Date(file.modifiedAt ?? 0),
    limits,
  };
  // Parsed in a worker thread, within the memory and time limits (files/parse-in-worker.ts).
  const loaded = await parseInWorker(input);
  if (loaded.text.trim() === '') throw new InputError(shownAs, 'file is empty (no text after extraction)');
  if (loaded.text.length > limits.maxTextChars) {
    throw new InputError(shownAs, `extracted text is ${loaded.text.length} characters, over the ${limits.maxTextChars} limit`);
  }

  const document: SourceDocument = {
    ...loaded,
    id: fileLocation(file.repo, file.path),
    source: 'github',
    // A file's own name says little across repositories; its path and repository say where it is.
    title: loaded.title === basename(file.path) ? `${file.path} (${file.repo})` : loaded.title,
    url: blobUrl(file),
    path: file.path,
    metadata: { ...loaded.metadata, repository: file.repo, branch: file.branch, kind: 'file' },
  };
  if (file.modifiedAt) document.modifiedAt = file.modifiedAt;
  else delete document.modifiedAt;
  return document;
}

/** `https://github.com/owner/repo/blob/main/docs/a%20b.md`: each path segment escaped, slashes kept. */
export function blobUrl(file: Pick<RepositoryFile, 'htmlUrl' | 'branch' | 'path'>): string {
  const escapePath = (value: string) => value.split('/').map(encodeURIComponent).join('/');
  return `${file.htmlUrl.replace(/\/+$/, '')}/blob/${escapePath(file.branch)}/${escapePath(file.path)}`;
}
