import type { Database, Statement } from 'better-sqlite3';

// better-sqlite3 compiles SQL on every prepare(), which costs more than running a small statement; the stores run
// the same few statements on every question (the query log, the answers table, the index version). Each database
// keeps its compiled statements here, keyed by the SQL text, for the SQLite side of the storage seam
// (app/storage/sqlite-database.ts). The set must stay bounded: statements are literal SQL, or generated in a bounded
// number of shapes (the chunk store's multi-row inserts of at most 64 rows, its IN lists padded to powers of two).
// A call site that changes a statement's mode (pluck, raw) must do so on every call.

const statements = new WeakMap<Database, Map<string, Statement>>();

export function prepared(db: Database, sql: string): Statement {
  let byText = statements.get(db);
  if (!byText) {
    byText = new Map();
    statements.set(db, byText);
  }
  let statement = byText.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    byText.set(sql, statement);
  }
  return statement;
}
