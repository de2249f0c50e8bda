// The indexes the golden cases are asked against, each in its own data directory and collection under
// `<LORE_DATA_DIR>/eval/`, never touching the real index. Built once per process and brought up to date on open:
// the Indexer skips unchanged documents by fingerprint, so a second run embeds nothing.
//
// Lore is composed by app/lore.ts, the composition root `lore ask` uses too: each knowledge base answers with the
// pipeline `lore ask`'s answer service wraps (without the service's cache, budget and query log).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { corpusCandidates } from './retrieval/bench-corpus.ts';
import type { Config } from '../app/config.ts';
import type { Logger } from '../app/logger.ts';
import { openLore } from '../app/lore.ts';
import type { Runtime } from '../app/runtime.ts';
import { listFiles } from '../connectors/files/file-connector.ts';
import { fileLimits } from '../connectors/files/file-limits.ts';
import type { AnswerPipeline } from '../rag/answer-question.ts';
import type { DocumentCandidate, IndexInput, IndexSummary } from '../rag/index/indexer.ts';
import { loadCorpus } from './retrieval/beir-dataset.ts';
import type { KnowledgeBaseName } from './golden/golden-case.ts';
import { REPO_ROOT } from './repo-root.ts';

export const DATASETS_DIR = path.join(REPO_ROOT, 'datasets');

export interface EvalKnowledgeBase {
  name: KnowledgeBaseName;
  runtime: Runtime;
  pipeline: AnswerPipeline;
  /** What opening it indexed (undefined for the live index, which the eval never writes). */
  indexed?: IndexSummary;
  indexSeconds: number;
}

export class KnowledgeBases {
  private readonly opened = new Map<KnowledgeBaseName, Promise<EvalKnowledgeBase>>();

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    private readonly datasetsDir: string = DATASETS_DIR,
  ) {}

  /** The knowledge base, opened and indexed on first use; concurrent callers share one opening. */
  get(name: KnowledgeBaseName): Promise<EvalKnowledgeBase> {
    let open = this.opened.get(name);
    if (!open) {
      open = this.open(name);
      this.opened.set(name, open);
    }
    return open;
  }

  async close(): Promise<void> {
    const all = [...this.opened.values()];
    this.opened.clear();
    for (const settled of await Promise.allSettled(all)) {
      if (settled.status === 'fulfilled') await settled.value.runtime.close();
    }
  }

  private async open(name: KnowledgeBaseName): Promise<EvalKnowledgeBase> {
    if (name === 'live') {
      // Exported feedback is replayed against the deployment's own index, read-only.
      const lore = await openLore(this.config, this.log);
      return { name, runtime: lore.runtime, pipeline: lore.answerPipelines().pipeline, indexSeconds: 0 };
    }
    const dataDir = path.join(this.config.dataDir, 'eval', name);
    const lore = await openLore({ ...this.config, dataDir }, this.log, { collection: `eval_${name.replace(/-/g, '_')}` });
    const { runtime } = lore;
    try {
      const started = performance.now();
      const indexed = name === 'sample' ? await this.indexSample(runtime) : await this.indexDocsQa(runtime);
      const indexSeconds = (performance.now() - started) / 1000;
      this.log.info(
        { knowledgeBase: name, ...indexed, failed: indexed.failed.length, seconds: Math.round(indexSeconds * 10) / 10 },
        'eval index ready',
      );
      await warmUp(runtime);
      return { name, runtime, pipeline: lore.answerPipelines().pipeline, indexed, indexSeconds };
    } catch (error) {
      await runtime.close();
      throw error;
    }
  }

  /**
   * The sample knowledge base, the golden documents with planted instructions (as files, the way a poisoned upload
   * would arrive) and the golden Notion pages (indexed as source `notion`, so filter and scope cases have a second
   * source to keep out). Every document must index: the golden cases rely on all of them.
   */
  private async indexSample(runtime: Runtime): Promise<IndexSummary> {
    const limits = fileLimits(runtime.config.limits);
    const files = await listFiles([path.join(this.datasetsDir, 'sample-kb'), path.join(this.datasetsDir, 'golden', 'injection-kb')], limits);
    const notionDir = path.join(this.datasetsDir, 'golden', 'notion-kb');
    const notion = await listFiles([notionDir], limits);
    const summaries = [
      await runtime.indexer.index(files.inputs, files.scope),
      await runtime.indexer.index(
        notion.inputs.map((input) => asNotionPage(input, this.datasetsDir)),
        {
          source: 'notion',
          deleteMissingUnder: [notionDir + path.sep],
        },
      ),
    ];
    const summary = mergeSummaries(summaries);
    if (summary.failed.length > 0) {
      const detail = summary.failed.map((f) => `${f.path}: ${f.error}`).join('; ');
      throw new Error(`the sample knowledge base did not index completely (${detail})`);
    }
    return summary;
  }

  private async indexDocsQa(runtime: Runtime): Promise<IndexSummary> {
    const corpus = path.join(this.datasetsDir, 'docs-qa', 'corpus.jsonl');
    const summary = await runtime.indexer.index(corpusCandidates(loadCorpus(corpus), corpus), {
      source: 'files',
      deleteMissingUnder: [`${path.resolve(corpus)}#`],
    });
    for (const failure of summary.failed.slice(0, 5)) this.log.warn(failure, 'docs-QA section not indexed');
    return summary;
  }
}

/** A file presented as a Notion page: id `notion:<path under datasets/>`, source `notion`. */
function asNotionPage(input: IndexInput, datasetsDir: string): IndexInput {
  if ('error' in input) return input;
  const id = `notion:${path.relative(datasetsDir, input.location).split(path.sep).join('/')}`;
  const candidate: DocumentCandidate = {
    id,
    location: input.location,
    fingerprint: input.fingerprint,
    load: async () => ({ ...(await input.load()), id, source: 'notion' }),
  };
  return candidate;
}

function mergeSummaries(summaries: IndexSummary[]): IndexSummary {
  return summaries.reduce((a, b) => ({
    added: a.added + b.added,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
    deleted: a.deleted + b.deleted,
    retryableFailures: a.retryableFailures + b.retryableFailures,
    failed: [...a.failed, ...b.failed],
  }));
}

/**
 * Loads the local model before the first question, so no answer's latency includes it. The text is new each run
 * (a cached text would not load the model); Gemini needs no warming and is not called.
 */
async function warmUp(runtime: Runtime): Promise<void> {
  if (runtime.config.embedder !== 'local') return;
  await runtime.embedder.embed([`warm-up ${randomUUID()}`], 'query');
}
