import { indexReport, type IndexReport, type IndexSummary } from '../../rag/index/indexer.ts';
import { EXIT_OK, EXIT_SOME_FAILED } from '../exit-codes.ts';
import { progressBar } from '../progress.ts';
import type { Lore } from '../lore.ts';
import type { SourceKind } from '../../rag/types.ts';
import { failedSyncReport, type SourceSyncReport, type SyncProgress, type SyncTarget } from '../sync-service.ts';
import { errorMessage } from '../../rag/errors.ts';

/**
 * `lore sync [source] [--full] [--json]`. With --json, stdout gets the summary in the ingest contract's shape
 * (`{added, updated, unchanged, deleted, failed:[{path,error}]}`); for `all` those are totals over the
 * sources, with each source's own summary under `sources`. Progress and human output go to stderr.
 */
export async function syncCommand(lore: Pick<Lore, 'sync'>, target: SyncTarget, options: { full: boolean; json: boolean }): Promise<number> {
  const service = await lore.sync();
  const controller = new AbortController();
  // Ctrl-C stops cleanly: the cursor is not committed, so the next sync picks up where this one stopped.
  const interrupt = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const progress = progressReporter(!options.json);
  const reports: SourceSyncReport[] = [];
  let running: SourceKind | undefined;
  let started = Date.now();
  let stopped: unknown;
  try {
    await service.sync(target, {
      full: options.full,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.source !== running) [running, started] = [event.source, Date.now()];
        progress.update(event);
      },
      onReport: (report) => reports.push(report),
    });
  } catch (error) {
    // A sync that stopped early (retries ran out, interrupted) still owes scripts its summary: what finished,
    // and the source that stopped with the reason. The error itself still ends the command as fatal.
    stopped = error;
    const source = running ?? (target === 'all' ? undefined : target);
    if (source && !reports.some((r) => r.source === source)) reports.push(failedSyncReport(source, errorMessage(error), Date.now() - started));
  } finally {
    progress.stop();
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }

  const totals = totalOf(reports);
  if (options.json) {
    const output = target === 'all' ? { ...indexReport(totals), sources: reports.map(sourceJson) } : indexReport(totals);
    process.stdout.write(`${JSON.stringify(output)}\n`);
  } else {
    for (const report of reports) {
      const { source, added, updated, unchanged, deleted, failed, durationMs } = report;
      process.stderr.write(
        `${source}: added ${added}, updated ${updated}, unchanged ${unchanged}, deleted ${deleted}, failed ${failed.length} (${(durationMs / 1000).toFixed(1)} s)\n`,
      );
      for (const failure of failed) {
        process.stderr.write(`  ✗ ${failure.error.startsWith(failure.path) ? failure.error : `${failure.path}: ${failure.error}`}\n`);
      }
    }
    if (reports.length === 0 && stopped === undefined) process.stderr.write('no source is configured\n');
  }
  if (stopped !== undefined) throw stopped;
  return totals.failed.length > 0 ? EXIT_SOME_FAILED : EXIT_OK;
}

function totalOf(reports: SourceSyncReport[]): IndexSummary {
  return {
    added: reports.reduce((n, r) => n + r.added, 0),
    updated: reports.reduce((n, r) => n + r.updated, 0),
    unchanged: reports.reduce((n, r) => n + r.unchanged, 0),
    deleted: reports.reduce((n, r) => n + r.deleted, 0),
    failed: reports.flatMap((r) => r.failed),
    retryableFailures: reports.reduce((n, r) => n + r.retryableFailures, 0),
  };
}

function sourceJson(report: SourceSyncReport): IndexReport & { source: string; durationMs: number } {
  return { source: report.source, ...indexReport(report), durationMs: report.durationMs };
}

/** One progress bar per source on stderr (only at a terminal); listing messages as a status line. */
function progressReporter(enabled: boolean): { update(event: SyncProgress): void; stop(): void } {
  let bar: ReturnType<typeof progressBar> | undefined;
  let barSource: string | undefined;
  const interactive = enabled && process.stderr.isTTY;
  return {
    update(event) {
      if (!enabled) return;
      if (event.phase === 'listing') {
        if (interactive) process.stderr.write(`\r\u001b[K${event.source}: ${event.message ?? 'listing'}`);
        return;
      }
      if (event.phase === 'done') {
        bar?.stop();
        bar = undefined;
        if (interactive) process.stderr.write('\r\u001b[K');
        return;
      }
      if (!bar || barSource !== event.source) {
        if (interactive) process.stderr.write('\r\u001b[K');
        bar?.stop();
        bar = progressBar(`Syncing ${event.source}`, true);
        barSource = event.source;
      }
      bar.update({ done: event.done, total: event.total, current: event.message });
    },
    stop() {
      bar?.stop();
    },
  };
}
