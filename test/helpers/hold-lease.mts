// Takes a lease in a store, says so on stdout and holds it until killed: the lease tests check that another process is
// refused while it lives and takes the lease once it is killed. Arguments: the table (leases or sync_locks), the
// lease's name, and the store (a SQLite data directory, or a PostgreSQL URL).
import { openDatabase } from '../../app/database.ts';
import { openPostgres } from '../../app/storage/postgres-database.ts';
import { sqliteDatabase } from '../../app/storage/sqlite-database.ts';
import { Leases, type LeaseTable } from '../../rag/store/leases.ts';

const [table, name, location] = process.argv.slice(2) as [LeaseTable, string, string];
const db = /^postgres(ql)?:/.test(location) ? await openPostgres(location) : sqliteDatabase(openDatabase(location));
const taken = await new Leases(db, { table, ttlMs: 60_000 }).acquire(name);
process.stdout.write('lease' in taken ? 'locked\n' : 'busy\n');
setInterval(() => {}, 1_000);
