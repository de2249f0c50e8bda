import { createHash } from 'node:crypto';
import {
  UploadRefusedError,
  type BotServices,
  type UploadRequest,
  type UploadResult,
  type VerifiedDocument,
} from '../bot/conversation/bot-services.ts';
import { fileLimits } from '../connectors/files/file-limits.ts';
import type { Answerer } from '../rag/contracts/answer-stream.ts';
import type { SourceStatus } from '../rag/contracts/sync.ts';
import type { SourceKind } from '../rag/types.ts';
import type { Runtime } from './runtime.ts';
import type { SyncService } from './sync-service.ts';
import { indexUploads, stageUpload, tooLargeMessage, uploadDocId, uploadRefusal, withUploadDir, type UploadedFile } from './upload-ingest.ts';

// What the chat adapters get from the rest of Lore (bot/ cannot import app/ or connectors/: docs/architecture.md). Uploaded
// files go through the same loaders and limits as `lore ingest` (app/upload-ingest.ts), as the `upload` source,
// scoped to their channel.

export function createChatServices(runtime: Runtime, sync: SyncService, answerer: Answerer): BotServices {
  const { config, chunks } = runtime;
  const limits = fileLimits(config.limits);

  const uploadStatus = async (): Promise<SourceStatus> => {
    const { documents, chunks: count, lastIndexedAt } = await chunks.sourceCounts('upload');
    return { source: 'upload', configured: true, documents, chunks: count, running: false, ...(lastIndexedAt ? { lastSyncAt: lastIndexedAt } : {}) };
  };

  return {
    answer: (question) => answerer.stream(question),

    sync: (target, onProgress, signal) => sync.sync(target, { onProgress, signal }),

    status: async () => [...(await sync.status()), await uploadStatus()],

    maxUploadBytes: limits.maxFileBytes,

    checkUpload: (file) => uploadRefusal(file, limits),

    ingestUpload: (upload) => ingestUpload(runtime, upload),

    indexVerified: (document) => indexVerified(runtime, document),

    removeVerified: async (id) => {
      await runtime.indexer.deleteDocuments([verifiedDocId(id)], 'verified');
    },

    async lastSynced(docId: string, source: SourceKind) {
      const synced = source === 'upload' ? undefined : await sync.lastSyncAt(source);
      return synced ?? (await chunks.getDocument(docId))?.indexedAt;
    },
  };
}

function verifiedDocId(id: string): string {
  return `verified:${id}`;
}

/** A verified answer as a document of its own: the question as its heading, the person's reply as its text. */
async function indexVerified(runtime: Runtime, document: VerifiedDocument): Promise<void> {
  const id = verifiedDocId(document.id);
  const text = `# ${document.question.replace(/\s+/g, ' ').trim()}\n\n${document.answer.trim()}\n`;
  const fingerprint = createHash('sha256').update(`${document.title}\n${document.scope}\n${text}`).digest('hex');
  const summary = await runtime.indexer.index(
    [
      {
        id,
        location: id,
        fingerprint,
        load: async () => ({
          id,
          source: 'verified',
          title: document.title,
          url: document.url,
          format: 'markdown',
          extension: 'md',
          text,
          sizeBytes: Buffer.byteLength(text),
          modifiedAt: document.answeredAt,
          // The same scoping as uploads: only questions asked in the channel it came from see it.
          metadata: { uploadScope: document.scope },
        }),
      },
    ],
    { source: 'verified' },
  );
  const failure = summary.failed[0];
  if (failure) throw new Error(`could not index the verified answer: ${failure.error}`);
  runtime.log.info({ id, scope: document.scope, added: summary.added, updated: summary.updated }, 'verified answer indexed');
}

async function ingestUpload(runtime: Runtime, upload: UploadRequest): Promise<UploadResult> {
  const { config, log } = runtime;
  const limits = fileLimits(config.limits);
  if (upload.bytes.byteLength > limits.maxFileBytes) throw new UploadRefusedError(tooLargeMessage(limits, upload.bytes.byteLength));
  const file: UploadedFile = {
    scope: `${upload.platform}:${upload.channelId}`,
    fileId: upload.fileId,
    fileName: upload.fileName,
    title: upload.title,
    url: upload.url,
    uploadedBy: `${upload.platform}:${upload.uploadedBy}`,
  };
  const id = uploadDocId(file);
  const summary = await withUploadDir(async (dir) => indexUploads(runtime, dir, [await stageUpload(dir, file, upload.bytes, limits)]));
  const failure = summary.failed[0];
  if (failure) throw new UploadRefusedError(failure.error);
  log.info({ id, platform: upload.platform, channel: upload.channelId, ...summary, failed: 0 }, 'upload indexed');
  const status = summary.added > 0 ? 'added' : summary.updated > 0 ? 'updated' : 'unchanged';
  return { status, title: upload.title };
}
