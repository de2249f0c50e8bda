import { afterAll, beforeAll } from 'vitest';

/**
 * What a whole suite shares (servers, a runtime, a bot), opened once in its beforeAll and closed in its afterAll,
 * both registered here. `open` fills the parts as they come, so that `close` closes whatever was opened when opening
 * stopped half-way. The tests read the parts from the returned object; a part read before beforeAll opened it fails,
 * naming it, instead of turning up later as an undefined.
 */
export function setUpSuiteFixture<Parts extends object>(
  name: string,
  open: (parts: Partial<Parts>) => Promise<void>,
  close: (parts: Partial<Parts>) => Promise<void>,
  openTimeoutMs = 120_000,
): Parts {
  const parts: Partial<Parts> = {};
  beforeAll(() => open(parts), openTimeoutMs);
  afterAll(() => close(parts));
  // Typed as the whole: every part is there once beforeAll has run, and the guard below stops any read before then.
  return new Proxy(parts, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (value === undefined && typeof key === 'string') throw new Error(`${name}: ${String(key)} is read before the suite's beforeAll opened it`);
      return value;
    },
  }) as Parts;
}
