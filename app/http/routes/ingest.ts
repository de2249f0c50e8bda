import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { fileLimits, formatBytes, type FileLimits } from '../../../connectors/files/file-limits.ts';
import { indexReport, type IndexReport } from '../../../rag/index/indexer.ts';
import type { Runtime } from '../../runtime.ts';
import {
  indexUploads,
  stageUpload,
  tooLargeMessage,
  uploadDocId,
  uploadRefusal,
  UploadTooLargeError,
  withUploadDir,
  type StagedUpload,
  type UploadedFile,
} from '../../upload-ingest.ts';
import { HttpError } from '../http-error.ts';

// POST /ingest: files uploaded as multipart/form-data, learned with the limits and loaders of chat uploads and
// `lore ingest` (app/upload-ingest.ts), as the `upload` source visible only to the same API key. Each file is
// streamed to a private staging directory and cut off at the size limit: a request never sits in memory whole.
// The response is `lore ingest --json`'s report: 200 all indexed, 207 some failed, 422 none indexed.

/** Files one request may carry: with the per-file limit this bounds a request. */
export const MAX_FILES_PER_UPLOAD = 20;

export interface IngestRouteOptions {
  runtime: Pick<Runtime, 'config' | 'indexer'>;
  guards: onRequestAsyncHookHandler[];
}

export async function registerIngestRoute(app: FastifyInstance, options: IngestRouteOptions): Promise<void> {
  const { runtime, guards } = options;
  const limits = fileLimits(runtime.config.limits);
  // Only this route parses multipart: anywhere else such a body is refused as an unsupported media type.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      // One byte over the limit is how an oversized file shows itself (busboy cuts a file off at `fileSize`).
      limits: {
        fileSize: limits.maxFileBytes + 1,
        files: MAX_FILES_PER_UPLOAD,
        fields: 20,
        fieldSize: 1_024,
        parts: 2 * MAX_FILES_PER_UPLOAD,
        headerPairs: 100,
      },
      throwFileSizeLimit: false,
    });

    scope.post('/ingest', { onRequest: guards, config: { accepts: 'multipart/form-data' } }, async (request, reply) => {
      if (request.keySources && !request.keySources.includes('upload')) {
        throw new HttpError(
          403,
          'forbidden',
          `this API key is limited to ${request.keySources.join(', ')}: it cannot search uploads, so it may not upload`,
        );
      }
      if (!request.isMultipart()) {
        throw new HttpError(415, 'unsupported_media_type', 'POST /ingest takes multipart/form-data with one or more files');
      }
      const declared = Number(request.headers['content-length']);
      const maxRequestBytes = MAX_FILES_PER_UPLOAD * limits.maxFileBytes + 1024 * 1024;
      if (declared > maxRequestBytes) {
        throw new HttpError(
          413,
          'payload_too_large',
          `the upload is over the ${formatBytes(maxRequestBytes)} one request may carry (at most ${MAX_FILES_PER_UPLOAD} files of ${formatBytes(limits.maxFileBytes)} each)`,
        );
      }

      const report = await withUploadDir(async (dir): Promise<IndexReport> => {
        const { staged, refused } = await receiveFiles(request, dir, limits);
        if (staged.length === 0 && refused.length === 0) {
          throw new HttpError(400, 'invalid_request', 'the upload holds no file: send each file as a multipart part with a file name');
        }
        const summary = await indexUploads(runtime, dir, staged);
        return indexReport({ ...summary, failed: [...refused, ...summary.failed] });
      });

      const indexed = report.added + report.updated + report.unchanged;
      const status = report.failed.length === 0 ? 200 : indexed > 0 ? 207 : 422;
      request.log.info(
        { caller: request.keyId, added: report.added, updated: report.updated, unchanged: report.unchanged, failed: report.failed.length },
        'upload indexed',
      );
      return reply.code(status).send(report);
    });
  });
}

/**
 * Stages every file part of the request, in order. A file that cannot be learned from by its name, or is empty,
 * is refused by name and the rest go on; one over the size limit, or one file too many, refuses the whole upload.
 */
async function receiveFiles(
  request: FastifyRequest,
  dir: string,
  limits: FileLimits,
): Promise<{ staged: StagedUpload[]; refused: IndexReport['failed'] }> {
  const scope = `http:${request.keyId}`;
  const staged: StagedUpload[] = [];
  const refused: IndexReport['failed'] = [];
  const names = new Set<string>();
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      const name = displayName(part.filename);
      const refusal = !name
        ? 'the file part has no file name'
        : names.has(name)
          ? 'this file name appears twice in the upload'
          : uploadRefusal({ name }, limits);
      if (refusal) {
        refused.push({ path: name || `(part ${part.fieldname})`, error: refusal });
        // Read past it (busboy stops at the size limit) to reach the next part.
        for await (const _chunk of part.file);
        continue;
      }
      names.add(name);
      const upload: UploadedFile = {
        scope,
        fileId: name,
        fileName: name,
        title: name,
        url: uploadDocId({ scope, fileId: encodeURIComponent(name) }),
        uploadedBy: scope,
      };
      const file = await stageUpload(dir, upload, part.file, limits);
      if (file.sizeBytes === 0) refused.push({ path: name, error: 'the file is empty.' });
      else staged.push(file);
    }
  } catch (error) {
    if (error instanceof UploadTooLargeError) throw new HttpError(413, 'payload_too_large', `${error.fileName}: ${tooLargeMessage(limits)}`);
    if ((error as { code?: unknown }).code === 'FST_FILES_LIMIT') {
      throw new HttpError(413, 'payload_too_large', `too many files in one upload: at most ${MAX_FILES_PER_UPLOAD}`);
    }
    throw error;
  }
  return { staged, refused };
}

/** The name as the uploader gave it, without any folders or control characters, and bounded. */
function displayName(filename: string | undefined): string {
  const base = (filename ?? '').split(/[\\/]/).pop() ?? '';
  return base
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200);
}
