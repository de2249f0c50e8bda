import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../app/database.ts';
import { migrations } from '../../app/migrations.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('openDatabase', () => {
  it('creates the data directory and applies every migration once', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lore-db-')), 'nested', 'data');
    dirs.push(path.dirname(path.dirname(dir)));
    const first = openDatabase(dir);
    first.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run();
    first.close();

    const again = openDatabase(dir);
    const versions = again.prepare('SELECT version FROM schema_migrations').pluck().all();
    expect(versions).toEqual(migrations.map((m) => m.version));
    expect(again.prepare("SELECT value FROM settings WHERE key = 'k'").pluck().get()).toBe('v');
    expect(again.pragma('journal_mode', { simple: true })).toBe('wal');
    again.close();
  });
});
