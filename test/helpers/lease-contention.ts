import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { LeaseTable } from '../../rag/store/leases.ts';
import type { TestStore } from './sql-stores.ts';

/** A child process holding the lease `name` of `table` in `store` (test/helpers/hold-lease.mts), until killed. */
export async function holdLeaseInChild(
  table: LeaseTable,
  name: string,
  store: Pick<TestStore, 'location'>,
): Promise<{ pid: number; kill(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/helpers/hold-lease.mts'), table, name, store.location], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  if (line.toString().trim() !== 'locked') throw new Error(`the child did not get the lease: ${line}`);
  return {
    pid: child.pid!,
    async kill() {
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}
