import { describe, expect, it } from 'vitest';
import { formatNearMisses, holdsAnyFact, nearMissReport } from '../../../evals/answers/near-misses.ts';

describe('near misses', () => {
  it('counts only the questions no retrieved passage still answers, and names those Lore answered anyway', () => {
    const report = nearMissReport([
      { id: 'a', abstained: true, stillAnswerable: false },
      { id: 'b', abstained: false, stillAnswerable: false },
      { id: 'c', abstained: false, stillAnswerable: true },
      { id: 'd', abstained: true, stillAnswerable: false },
    ]);
    expect(report).toEqual({ asked: 4, nearMisses: 3, abstained: 2, abstention: 2 / 3, answered: ['b'] });
    expect(formatNearMisses(report)).toBe('NEAR-MISSES asked=4 near-misses=3 abstained=2 (0.667); answered anyway: b');
  });

  it('measures nothing when every question is still answered by another page', () => {
    const report = nearMissReport([{ id: 'a', abstained: false, stillAnswerable: true }]);
    expect(report.abstention).toBeNull();
    expect(formatNearMisses(report)).toBe('NEAR-MISSES asked=1 near-misses=0 abstained=0 (-)');
  });

  it('finds a fact in a passage as the scorer does: whole tokens, in order', () => {
    const contexts = [{ text: 'Permits cost 35 euros a month.' }, { text: 'The garage opens at 7.' }];
    expect(holdsAnyFact(contexts, { facts: ['35 Euros'] })).toBe(true);
    expect(holdsAnyFact(contexts, { facts: ['5 euros', 'garage closes'] })).toBe(false);
  });
});
