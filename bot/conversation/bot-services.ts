// What the chat adapters need from the rest of Lore, declared here so that `bot/` never imports `app/` or
// `connectors/` (docs/architecture.md): `app/chat-services.ts` implements it from the runtime.
import type { Answerer } from '../../rag/contracts/answer-stream.ts';
import type { SyncTarget } from '../../rag/contracts/sources.ts';
import type { SourceStatus, SourceSyncReport, SyncProgress } from '../../rag/contracts/sync.ts';
import type { SourceKind } from '../../rag/types.ts';
import { LoreError } from '../../rag/errors.ts';
import type { PostedChatAnswer } from './stale-notices.ts';

/** A file someone shared with Lore, already downloaded and size-checked. */
export interface UploadRequest {
  platform: string;
  channelId: string;
  fileId: string;
  fileName: string;
  title: string;
  /** Where a citation of the file links to (the platform's permalink). */
  url: string;
  bytes: Uint8Array;
  mimeType?: string;
  uploadedBy: string;
}

export interface UploadResult {
  status: 'added' | 'updated' | 'unchanged';
  title: string;
}

/** A file that cannot be learned from; the message says why, naming the file. */
export class UploadRefusedError extends LoreError {
  override readonly code: string = 'upload_refused';
  override name = 'UploadRefusedError';
}

/** A person's reply saved as the answer to a question, to index as the `verified` source. */
export interface VerifiedDocument {
  /** The verified answer's id: its document is `verified:<id>`. */
  id: string;
  question: string;
  answer: string;
  /** "answered by Maria in #support on 2026-12-06": what citations of it show. */
  title: string;
  /** Where a citation links to ('' when the platform gives no link). */
  url: string;
  /** `<platform>:<channel>`: only questions asked there find it. */
  scope: string;
  answeredAt: string;
}

export interface BotServices {
  /** The query path (`AnswerPipeline.stream`). */
  answer: Answerer['stream'];
  /** Rejects with SyncBusyError when a named source is being synced already. */
  sync(target: SyncTarget, onProgress: (progress: SyncProgress) => void, signal: AbortSignal): Promise<SourceSyncReport[]>;
  /** Read from the store replicas share (issue 19), so it is asynchronous. */
  status(): Promise<SourceStatus[]>;
  /** Why a file cannot be learned from, judged by its name and size before it is downloaded; undefined if it may be. */
  checkUpload(file: { name: string; sizeBytes: number }): string | undefined;
  /** The largest file an upload may be. */
  readonly maxUploadBytes: number;
  /** Indexes an uploaded file as the `upload` source, visible only in its channel. Throws UploadRefusedError for a bad file. */
  ingestUpload(upload: UploadRequest): Promise<UploadResult>;
  /** Indexes (or re-indexes, after an edit) a verified answer as the `verified` source, seen only where it was saved. */
  indexVerified(document: VerifiedDocument): Promise<void>;
  /** Takes a verified answer out of the index (revoked). */
  removeVerified(id: string): Promise<void>;
  /** When the content behind a citation was last brought up to date (ISO-8601), when known. */
  lastSynced(docId: string, source: SourceKind): Promise<string | undefined>;
  /** Told of every answer posted in a thread, to keep which documents it cited (stale-source notices). Never throws. */
  answerPosted?(posted: PostedChatAnswer): void;
}
