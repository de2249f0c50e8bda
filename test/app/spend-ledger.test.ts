import { expect, it } from 'vitest';
import { SqlSpendLedger, utcDay } from '../../app/spend-ledger.ts';
import { forEachDialect } from '../helpers/sql-stores.ts';

// The daily spend in the store, on SQLite and PostgreSQL alike: what one process added is there for the next (a
// restart does not reset the day), and two adding at once both count.

forEachDialect('SqlSpendLedger', (stores) => {
  it('adds up a day’s spend and keeps days apart, across connections', async () => {
    const store = await stores.create();
    const ledger = new SqlSpendLedger(await store.connect());
    await ledger.add('2030-01-01', 0.25);
    await ledger.add('2030-01-01', 0.5);
    await ledger.add('2030-01-02', 0.1);
    await ledger.add('2030-01-02', 0);
    await ledger.add('2030-01-02', -1);
    const reopened = new SqlSpendLedger(await store.connect());
    expect(await reopened.total('2030-01-01')).toBeCloseTo(0.75);
    expect(await reopened.total('2030-01-02')).toBeCloseTo(0.1);
    expect(await reopened.total('2030-01-03')).toBe(0);
  });

  it('counts every addition when two replicas add to one day together', async () => {
    const store = await stores.create();
    const one = new SqlSpendLedger(await store.connect());
    const other = new SqlSpendLedger(await store.connect());
    await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? one : other).add('2030-01-01', 0.125)));
    expect(await one.total('2030-01-01')).toBeCloseTo(1.25);
  });
});

it('names the budget day by UTC', () => {
  expect(utcDay(new Date('2030-01-01T23:30:00-05:00'))).toBe('2030-01-02');
});
