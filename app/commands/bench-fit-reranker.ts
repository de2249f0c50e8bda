import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadQrels, loadQueries, type Qrels } from '../../evals/retrieval/beir-dataset.ts';
import type { LabelledQuery } from '../../evals/retrieval/cross-validate-ranker.ts';
import { fitLinearRanker, rankDocuments } from '../../evals/retrieval/fit-linear-ranker.ts';
import { evaluateRankings, roundMetrics, type RetrievalMetrics } from '../../evals/retrieval/ir-metrics.ts';
import { crossValidate } from '../../evals/retrieval/k-fold.ts';
import { FEATURE_NAMES, rankFeatures } from '../../rag/rerank/rank-features.ts';
import { DenseSearch } from '../../rag/retrieve/dense-search.ts';
import { HybridRetriever } from '../../rag/retrieve/hybrid-retriever.ts';
import { LexicalIndex } from '../../rag/retrieve/lexical-index.ts';
import type { Config } from '../config.ts';
import { EXIT_OK } from '../exit-codes.ts';
import type { Logger } from '../logger.ts';
import { beirId, openBenchCorpus } from '../../evals/retrieval/bench-corpus.ts';
import { CANDIDATES_PER_SIDE } from './bench-retrieval.ts';
import { FIT_FROZEN, FIT_START } from './fit-start.ts';

export interface DevelopmentSet {
  name: string;
  corpus: string;
  queries: string;
  qrels: string;
}

/** The development sets the shipped weights are fitted on; their test splits are kept out of the repository. */
export const DEVELOPMENT_SETS: readonly DevelopmentSet[] = [
  { name: 'scifact', corpus: 'datasets/scifact/corpus.jsonl', queries: 'datasets/scifact/queries.jsonl', qrels: 'datasets/scifact/qrels/train.tsv' },
  { name: 'docs-qa', corpus: 'datasets/docs-qa/corpus.jsonl', queries: 'datasets/docs-qa/queries.jsonl', qrels: 'datasets/docs-qa/qrels/dev.tsv' },
];

export interface FitRerankerOptions {
  folds: number;
  /** Write the fitted weights into rag/ (otherwise only report). */
  write: boolean;
  json: boolean;
  sets?: readonly DevelopmentSet[];
}

type SetQuery = LabelledQuery & { set: string };

const FUSION_FEATURES = ['lexical', 'dense'] as const;
const FUSION_COLUMNS = FUSION_FEATURES.map((name) => FEATURE_NAMES.indexOf(name));

/**
 * `lore bench fit-reranker`: re-learns the fusion weights and the feature reranker's weights on the
 * development sets (each set counts equally, whatever its size), reports k-fold cross-validated quality
 * per set, and with `--write` stores the weights fitted on all queries in rag/retrieve/fusion-weights.json
 * and rag/rerank/feature-weights.json.
 */
export async function fitReranker(config: Config, log: Logger, options: FitRerankerOptions): Promise<number> {
  if (options.folds < 2) throw new Error(`--folds must be at least 2 for cross-validation, got ${options.folds}`);
  const say = (text: string) => !options.json && process.stderr.write(`${text}\n`);
  const sets = options.sets ?? DEVELOPMENT_SETS;
  const queries: SetQuery[] = [];
  const qrelsBySet = new Map<string, Qrels>();
  for (const set of sets) {
    say(`Collecting candidates and features for ${set.name}…`);
    const qrels = loadQrels(set.qrels);
    qrelsBySet.set(set.name, qrels);
    queries.push(...(await collect(config, log, set, qrels, !options.json)));
  }
  const fusionQueries = queries.map((q) => ({ ...q, features: q.features.map((row) => FUSION_COLUMNS.map((j) => row[j]!)) }));

  say(`Fitting with ${options.folds}-fold cross-validation…`);
  const cvFusion = crossValidate(
    fusionQueries,
    options.folds,
    (training) => fitLinearRanker(training, { initial: [1, 0] }),
    (w, q) => rankDocuments(q, w),
  );
  const cvReranker = crossValidate(
    queries,
    options.folds,
    (training) => fitLinearRanker(training, { initial: FIT_START, frozen: FIT_FROZEN }),
    (w, q) => rankDocuments(q, w),
  );
  const fusion = fitLinearRanker(fusionQueries, { initial: [1, 0] });
  const reranker = fitLinearRanker(queries, { initial: FIT_START, frozen: FIT_FROZEN });

  const report: Record<string, { fusion: RetrievalMetrics; reranker: RetrievalMetrics }> = {};
  for (const set of sets) {
    const qrels = prefixed(qrelsBySet.get(set.name)!, set.name);
    report[set.name] = { fusion: roundMetrics(evaluateRankings(cvFusion, qrels)), reranker: roundMetrics(evaluateRankings(cvReranker, qrels)) };
  }
  const fusionWeights = { lexical: round(fusion[0]!, 4), dense: round(fusion[1]!, 4) };
  const featureWeights = Object.fromEntries(FEATURE_NAMES.map((name, j) => [name, round(reranker[j]!, 4)]));
  const fittedOn = sets.map((s) => s.name);

  if (options.write) {
    writeJson(new URL('../../rag/retrieve/fusion-weights.json', import.meta.url), fusionWeights);
    writeJson(new URL('../../rag/rerank/feature-weights.json', import.meta.url), {
      weights: featureWeights,
      fittedOn,
      folds: options.folds,
      crossValidated: Object.fromEntries(Object.entries(report).map(([name, r]) => [name, r.reranker])),
    });
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ fusionWeights, featureWeights, crossValidated: report, written: options.write })}\n`);
  } else {
    say(`fusion weights   ${JSON.stringify(fusionWeights)}`);
    say(`feature weights  ${JSON.stringify(featureWeights)}`);
    for (const [name, r] of Object.entries(report)) {
      for (const [label, m] of [
        ['fusion', r.fusion],
        ['reranker', r.reranker],
      ] as const) {
        say(
          `${`${name} ${label} (${options.folds}-fold CV)`.padEnd(34)} nDCG@10 ${m['ndcg@10'].toFixed(4)}  recall@10 ${m['recall@10'].toFixed(4)}  ` +
            `recall@100 ${m['recall@100'].toFixed(4)}  MRR@10 ${m['mrr@10'].toFixed(4)}`,
        );
      }
    }
    say(
      options.write
        ? 'Weights written to rag/retrieve/fusion-weights.json and rag/rerank/feature-weights.json.'
        : 'Dry run: pass --write to store the weights.',
    );
  }
  return EXIT_OK;
}

/** Every judged query's candidates (the union of both sides, as the pipeline reranks them) and features. */
async function collect(config: Config, log: Logger, set: DevelopmentSet, qrels: Qrels, progress: boolean): Promise<SetQuery[]> {
  const queries = loadQueries(set.queries).filter((q) => qrels.has(q.id));
  const corpus = await openBenchCorpus(config, log, set.corpus, progress);
  try {
    const { runtime } = corpus;
    const lexical = new LexicalIndex(runtime.chunks);
    const retriever = new HybridRetriever({
      lexical,
      chunks: runtime.chunks,
      dense: new DenseSearch(runtime.embedder, runtime.vectors),
      candidatesPerSide: CANDIDATES_PER_SIDE,
    });
    const out: SetQuery[] = [];
    for (const query of queries) {
      const search = { text: query.text, expansions: [] };
      const candidates = await retriever.retrieve(search, 2 * CANDIDATES_PER_SIDE);
      out.push({
        id: `${set.name}:${query.id}`,
        set: set.name,
        features: rankFeatures(search, candidates, lexical),
        documents: candidates.map((c) => beirId(c.docId)),
        relevant: qrels.get(query.id)!,
        weight: 1 / queries.length,
      });
    }
    return out;
  } finally {
    await corpus.runtime.close();
  }
}

function prefixed(qrels: Qrels, set: string): Qrels {
  return new Map([...qrels].map(([id, judged]) => [`${set}:${id}`, judged]));
}

function writeJson(url: URL, value: unknown): void {
  fs.writeFileSync(fileURLToPath(url), `${JSON.stringify(value, null, 2)}\n`);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
