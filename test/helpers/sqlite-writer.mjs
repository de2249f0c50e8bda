// Writes to a SQLite file from another process until killed, the way a running Lore does: one small
// transaction after another, each adding a probe row and recording the highest row in `settings`, so a
// consistent copy always has exactly as many probe rows as the recorded highest. Prints "ready" once writing.
import Database from 'better-sqlite3';

const db = new Database(process.argv[2], { fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
db.exec('CREATE TABLE IF NOT EXISTS backup_probe (n INTEGER PRIMARY KEY, padding BLOB NOT NULL)');
const insert = db.prepare('INSERT INTO backup_probe (n, padding) VALUES (?, ?)');
const record = db.prepare("INSERT INTO settings (key, value) VALUES ('backup_probe_last', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
const write = db.transaction((n) => {
  insert.run(n, Buffer.alloc(2048, n % 251));
  record.run(String(n));
});
let n = 0;
const pause = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  n += 1;
  write(n);
  if (n === 1) process.stdout.write('ready\n');
  Atomics.wait(pause, 0, 0, 1);
}
