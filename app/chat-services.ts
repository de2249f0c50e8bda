import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  SyncAlreadyRunningError,
  UploadRefusedError,
  type BotServices,
  type SourceStatus,
  type UploadRequest,
  type UploadResult,
} from '../bot/conversation/bot-services.ts';
import { detectFormat } from '../connectors/files/detect-format.ts';
import { fileLimits, formatBytes } from '../connectors/files/file-limits.ts';
import { InputError } from '../connectors/files/input-error.ts';
import { loadFile } from '../connectors/files/load-file.ts';
import type { AnswerPipeline } from '../rag/answer-question.ts';
import type { DocumentCandidate } from '../rag/index/indexer.ts';
import type { SourceKind } from '../rag/types.ts';
import type { Runtime } from './runtime.ts';
import { SyncBusyError, type SyncService } from './sync-service.ts';

// What the chat adapters get from the rest of Lore (bot/ cannot import app/ or connectors/: DESIGN.md). Uploaded
// files go through the same loaders and limits as `lore ingest`, as the `upload` source, scoped to their channel.

const SUPPORTED_KINDS = 'PDF, DOCX, HTML, Markdown, text and source code';

export function createChatServices(runtime: Runtime, sync: SyncService, pipeline: Pick<AnswerPipeline, 'stream'>): BotServices {
  const { config, chunks, db } = runtime;
  const limits = fileLimits(config.limits);

  const uploadStatus = (): SourceStatus => {
    const { documents, chunks: count, lastIndexedAt } = chunks.sourceCounts('upload');
    return { source: 'upload', configured: true, documents, chunks: count, running: false, ...(lastIndexedAt ? { lastSyncAt: lastIndexedAt } : {}) };
  };

  return {
    answer: (question) => pipeline.stream(question),

    async sync(target, onProgress, signal) {
      try {
        return await sync.sync(target, { onProgress, signal });
      } catch (error) {
        if (error instanceof SyncBusyError) throw new SyncAlreadyRunningError(error.source);
        throw error;
      }
    },

    status: () => [
      ...sync.status().map(({ source, configured, documents, chunks: count, lastSyncAt, running }) => ({
        source,
        configured,
        documents,
        chunks: count,
        running,
        ...(lastSyncAt ? { lastSyncAt } : {}),
      })),
      uploadStatus(),
    ],

    maxUploadBytes: limits.maxFileBytes,

    checkUpload({ name, sizeBytes }) {
      if (!detectFormat(name)) {
        const extension = path.extname(name);
        return `${extension ? `${extension} files are` : 'files without an extension are'} not supported: I can learn ${SUPPORTED_KINDS} files.`;
      }
      if (sizeBytes > limits.maxFileBytes) return `the file is too large: ${formatBytes(sizeBytes)}, over the ${formatBytes(limits.maxFileBytes)} limit.`;
      if (sizeBytes === 0) return 'the file is empty.';
      return undefined;
    },

    ingestUpload: (upload) => ingestUpload(runtime, upload),

    lastSynced(docId: string, source: SourceKind) {
      const synced = source === 'upload' ? undefined : sync.status().find((s) => s.source === source)?.lastSyncAt;
      return synced ?? chunks.getDocument(docId)?.indexedAt;
    },
  };
}

async function ingestUpload(runtime: Runtime, upload: UploadRequest): Promise<UploadResult> {
  const { config, indexer, log } = runtime;
  const limits = fileLimits(config.limits);
  if (upload.bytes.byteLength > limits.maxFileBytes) {
    throw new UploadRefusedError(`the file is too large: ${formatBytes(upload.bytes.byteLength)}, over the ${formatBytes(limits.maxFileBytes)} limit.`);
  }
  const scope = `${upload.platform}:${upload.channelId}`;
  const id = `upload:${scope}:${upload.fileId}`;
  // A private directory: the bytes are someone's document, and the name comes from a chat message.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lore-upload-'));
  try {
    const file = path.join(dir, safeFileName(upload.fileName));
    await fs.writeFile(file, upload.bytes, { mode: 0o600 });
    const candidate: DocumentCandidate = {
      id,
      location: id,
      fingerprint: createHash('sha256').update(upload.bytes).digest('hex'),
      load: async () => {
        try {
          const doc = await loadFile(file, { root: dir, limits });
          return {
            ...doc,
            id,
            source: 'upload',
            title: upload.title,
            url: upload.url,
            path: upload.fileName,
            metadata: { ...doc.metadata, uploadScope: scope, uploadedBy: `${upload.platform}:${upload.uploadedBy}` },
          };
        } catch (error) {
          // The reason alone: the temporary path means nothing to the person who shared the file.
          if (error instanceof InputError) throw new UploadRefusedError(error.reason);
          throw error;
        }
      },
    };
    const summary = await indexer.index([candidate], { source: 'upload' });
    const failure = summary.failed[0];
    if (failure) throw new UploadRefusedError(failure.error.replaceAll(file, upload.fileName).replaceAll(dir, ''));
    log.info({ id, platform: upload.platform, channel: upload.channelId, ...summary, failed: 0 }, 'upload indexed');
    const status = summary.added > 0 ? 'added' : summary.updated > 0 ? 'updated' : 'unchanged';
    return { status, title: upload.title };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The last path segment, without control characters, short enough for any file system; the extension is kept. */
function safeFileName(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  const extension = path.extname(base).slice(0, 16);
  const stem = base.slice(0, base.length - extension.length).slice(0, 100) || 'upload';
  return `${stem.replace(/^\.+/, '_')}${extension}`;
}
