import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { openDatabase } from '../database.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { sqliteDatabase } from '../storage/sqlite-database.ts';
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
 * stdout (the shape of GET /admin/report.json); otherwise a summary for people goes to stderr. Only SQLite is
 * opened: no index, no Chroma, so it runs beside a running `lore start`.
 */
export async function reportCommand(config: Config, options: ReportOptions): Promise<number> {
  // Before anything is created: a report on a data directory that never held Lore is a mistake, not an empty report.
  if (!fs.existsSync(path.join(config.dataDir, 'lore.db'))) throw new Error(`no Lore database in ${config.dataDir}: nothing to report on`);
  const since = options.since === undefined ? undefined : parseSince(options.since);
  const db = sqliteDatabase(openDatabase(config.dataDir));
  let report: GapReport;
  try {
    report = await buildGapReport(db, {
      queryLogDays: config.queryLogDays,
      ...(since ? { since } : {}),
      ...(options.staleDays !== undefined ? { staleAfterDays: options.staleDays } : {}),
    });
  } finally {
    await db.close();
  }
  if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stderr.write(reportText(report));
  return EXIT_OK;
}
