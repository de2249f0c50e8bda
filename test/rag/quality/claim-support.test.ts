import { describe, expect, it } from 'vitest';
import { claimSupport } from '../../../rag/quality/claim-support.ts';

const CONTEXT = [
  '3.3 Backups of the data directory are kept for at most 30 days.\n4.3 The query log keeps questions and answers for 90 days unless configured otherwise.',
  'Copy the Bot User OAuth Token (it starts with xoxb-) into SLACK_BOT_TOKEN and the Signing Secret into SLACK_SIGNING_SECRET.',
];

describe('claim support (offline faithfulness)', () => {
  it('scores an answer quoted from the context 1 and an invented one 0', () => {
    const faithful = claimSupport(
      'Backups of the data directory are kept for at most 30 days [1]. The query log keeps questions for 90 days [1].',
      CONTEXT,
    );
    const invented = claimSupport(
      'Backups are replicated to three regions and kept for a full year [1]. Administrators restore them from the Grafana console [2].',
      CONTEXT,
    );
    expect(faithful.score).toBe(1);
    expect(invented.score).toBe(0);
    expect(invented.unsupported).toHaveLength(2);
  });

  it('catches a fact swapped into an otherwise quoted sentence', () => {
    const swapped = claimSupport('Backups of the data directory are kept for at most 45 days [1].', CONTEXT);
    expect(swapped.score).toBe(0);
  });

  it('gives half marks when one of two claims is made up', () => {
    const half = claimSupport(
      'Copy the Bot User OAuth Token into SLACK_BOT_TOKEN [2]. Lore pages the on-call engineer through PagerDuty [2].',
      CONTEXT,
    );
    expect(half).toMatchObject({ score: 0.5, claims: 2, backed: 1 });
  });

  it('backs a claim from any passage, whatever number it cites', () => {
    expect(claimSupport('The query log keeps questions and answers for 90 days [2].', CONTEXT).score).toBe(1);
  });

  it('has no score for an answer that claims nothing checkable', () => {
    expect(claimSupport("I couldn't find this in the knowledge base.", CONTEXT)).toMatchObject({ score: undefined, claims: 0 });
  });
});
