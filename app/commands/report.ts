import type { Config } from '../config.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { openExistingStore } from '../storage/open-store.ts';
import { buildGapReport, parseSince, type GapReport } from '../report/gap-report.ts';
import { reportText } from '../report/report-text.ts';

export interface ReportOptions {
  /** ISO date: the window starts there (default: the query log's retention). */
  since?: string;
  /** A cited document not changed for this many days is stale. */
  staleDays?: number;
  json: boolean;
}

/**
 * `lore report`: the knowledge-gap report over the query log and feedback. `--json` prints the whole report on
 * stdout (the shape of GET /admin/report.json); otherwise a summary for people goes to stderr. Only the store
 * (SQLite, or PostgreSQL with DATABASE_URL) is opened: no index, no Chroma, so it runs beside a running `lore start`.
 */
export async function reportCommand(config: Config, options: ReportOptions): Promise<number> {
  const since = options.since === undefined ? undefined : parseSince(options.since);
  const store = await openExistingStore(config, 'report on');
  let report: GapReport;
  try {
    report = await buildGapReport(store.sql, {
      queryLogDays: config.queryLogDays,
      ...(since ? { since } : {}),
      ...(options.staleDays !== undefined ? { staleAfterDays: options.staleDays } : {}),
    });
  } finally {
    await store.close();
  }
  if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stderr.write(reportText(report));
  return EXIT_OK;
}
