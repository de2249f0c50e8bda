// Takes the Notion sync lock in a data directory, says so on stdout and holds it until killed: the lock
// tests check that another process is refused while it lives and can take the lock once it is killed.
import { openDatabase } from '../../../app/database.ts';
import { SyncLocks } from '../../../connectors/sync/sync-lock.ts';

const db = openDatabase(process.argv[2]!);
const taken = new SyncLocks(db, { ttlMs: 60_000 }).acquire('notion');
process.stdout.write('lock' in taken ? 'locked\n' : 'busy\n');
setInterval(() => {}, 1_000);
