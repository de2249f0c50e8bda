import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerRelevance, scaleFor, USE_LITE_SCALE } from '../../../evals/graders/answer-relevance.ts';
import { LocalEmbedder } from '../../../rag/embed/local-embedder.ts';

// The real local embedder (USE-lite), the one the offline gate grades with: the calibration is its own.
let embedder: LocalEmbedder;
beforeAll(() => {
  embedder = new LocalEmbedder({ workers: 1 });
});
afterAll(async () => {
  await embedder.close();
});

const PAIRS = [
  {
    question: 'How long are backups of the data directory kept?',
    good: 'Backups of the data directory are kept for at most 30 days [1].',
    bad: 'Invite Lore to a channel with /invite @Lore, then mention it with a question [1].',
  },
  {
    question: 'Which token goes into SLACK_BOT_TOKEN?',
    good: 'Copy the Bot User OAuth Token, which starts with xoxb-, into SLACK_BOT_TOKEN [1].',
    bad: 'The query log keeps questions and answers for 90 days unless configured otherwise [1].',
  },
  {
    question: 'What happens when a document fails to parse?',
    good: 'The file is skipped with a clear error that names the file and the reason, and the rest of the batch is still indexed [1].',
    bad: 'Lore needs Node.js 20 and about 1 GB of disk for dependencies and the index [1].',
  },
];

describe('answer relevance with the local embedder', () => {
  it('scores on-topic answers far above off-topic ones', async () => {
    const good: number[] = [];
    const bad: number[] = [];
    for (const pair of PAIRS) {
      good.push((await answerRelevance(pair.question, pair.good, embedder)).score);
      bad.push((await answerRelevance(pair.question, pair.bad, embedder)).score);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(good)).toBeGreaterThan(0.7);
    expect(mean(bad)).toBeLessThan(0.3);
    for (let i = 0; i < PAIRS.length; i++) expect(good[i]!).toBeGreaterThan(bad[i]!);
  });

  it('scores an abstention 0 without embedding it', async () => {
    expect(
      await answerRelevance(
        'How long are backups kept?',
        "I couldn't find this in the knowledge base. The closest sources I found:\n- faq.md",
        embedder,
      ),
    ).toEqual({
      score: 0,
      cosine: 0,
    });
  });

  it('uses the USE-lite calibration for the local embedder only', () => {
    expect(scaleFor(embedder.id)).toBe(USE_LITE_SCALE);
    expect(scaleFor('gemini-embedding-001-768')).not.toBe(USE_LITE_SCALE);
  });
});
