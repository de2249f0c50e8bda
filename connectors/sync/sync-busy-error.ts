import type { SourceKind } from '../../rag/types.ts';
import type { SyncLockHolder } from './sync-lock.ts';

/** Another sync of the same source is running (in this process or another one sharing the data directory). */
export class SyncBusyError extends Error {
  override name = 'SyncBusyError';

  constructor(
    readonly source: SourceKind,
    readonly holder?: SyncLockHolder,
  ) {
    super(
      `a sync of ${source} is already running` +
        (holder ? ` (process ${holder.pid} on ${holder.host}, since ${holder.acquiredAt})` : '') +
        ': wait for it to finish',
    );
  }
}
