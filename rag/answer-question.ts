import { randomUUID } from 'node:crypto';
import { ABSTENTION_SENTENCE, closestSources, formatAbstention, isAbstention } from './cite/abstention.ts';
import { checkAnswerLinks, type TrustClass } from './cite/answer-links.ts';
import { confidence } from './cite/confidence.ts';
import { contentTerms } from './cite/content-terms.ts';
import { distinctTitles } from './cite/distinct-titles.ts';
import { focusTouched, MIN_FOCUS_TOUCHED } from './generate/extractive-generator.ts';
import { analyzeQuestion, comparedParts } from './question/analyze-question.ts';
import { expandQuery } from './question/expand-query.ts';
import { parseCitations } from './cite/parse-citations.ts';
import { redactSecrets } from './cite/redact-secrets.ts';
import { StreamRedactor } from './cite/stream-redactor.ts';
import { verifyClaims } from './cite/verify-claims.ts';
import { assembleContext } from './context/assemble-context.ts';
import { type SectionChunks, sectionNeighbours } from './context/section-neighbours.ts';
import { finalAnswer, type AnswerEvent, type Answerer } from './contracts/answer-stream.ts';
import { costOf } from './cost/cost-of.ts';
import { Deadline, withinDeadline } from './deadline.ts';
import { addUsage } from './gemini/usage.ts';
import { GenerationError, userNote } from './generate/generation-error.ts';
import { stripInjectedInstructions } from './guard/strip-injected-instructions.ts';
import { DEFAULT_PRICES, type PriceTable } from './cost/price-table.ts';
import { buildSearchQuery } from './question/build-search-query.ts';
import { chitchatReply } from './question/chitchat-reply.ts';
import { detectIntent } from './question/detect-intent.ts';
import type { QuestionRewriter } from './question/rewrite-question.ts';
import { preferVerified } from './rerank/prefer-verified.ts';
import { interleaveRankings } from './retrieve/interleave-rankings.ts';
import type {
  Answer,
  AnswerMode,
  Citation,
  Generator,
  Passage,
  Question,
  Reranker,
  RetrievedChunk,
  Retriever,
  SearchQuery,
  TokenUsage,
  Vocabulary,
} from './types.ts';

export interface AnswerPipelineOptions {
  retriever: Retriever;
  reranker?: Reranker;
  /** Gemini when keyed, else the extractive answerer. */
  generator: Generator;
  /** Used when `generator` fails: answers are never replaced by an error. */
  fallback: Generator;
  rewriter: QuestionRewriter;
  prices?: PriceTable;
  /** Token budget of the numbered passages given to the generator. */
  contextTokens?: number;
  /** Candidates retrieved for reranking. */
  candidates?: number;
  now?: () => Date;
  /** Degradations that do not stop the answer (for logs). */
  onWarning?: (message: string, error: unknown) => void;
  /** The whole answer's time limit, shared among its steps; default 20 s. */
  deadlineMs?: number;
  /** Sources whose word alone is not trusted (LORE_LOW_TRUST_SOURCES): an answer resting only on them says so. */
  lowTrustSources?: readonly TrustClass[];
  /**
   * A section split over several chunks is shown whole around what was found, its neighbouring chunks joined within
   * `tokens` more than `contextTokens` (rag/context/section-neighbours.ts).
   */
  sections?: { chunks: SectionChunks; tokens: number };
  /** The knowledge base's word rarities, for the claim check (`VerifyOptions.vocabulary`). */
  vocabulary?: Vocabulary;
}

const DEFAULT_K = 8;
/** Candidates retrieved for each subject of a question that compares or lists things. */
const SUBJECT_CANDIDATES = 20;
const DEFAULT_DEADLINE_MS = 20_000;
/**
 * Each optional step's share of the answer deadline (the steps run one after another, so generation gets what they
 * leave), and the time kept back from generation for the extractive fallback, which needs well under a second.
 */
const STEP_SHARE = { rewrite: 0.15, retrieve: 0.25, rerank: 0.25 } as const;
const FALLBACK_RESERVE_MS = 1_000;
const NO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0 };

/**
 * The query path, Question → Answer: intent → rewrite → search query (filters, scope, expansion) → hybrid
 * retrieval → rerank → context → generate (streamed) → verify claims → cite → confidence/abstain → redact.
 */
export class AnswerPipeline implements Answerer {
  constructor(private readonly options: AnswerPipelineOptions) {}

  answer(question: Question): Promise<Answer> {
    return finalAnswer(this.stream(question));
  }

  async *stream(question: Question): AsyncGenerator<AnswerEvent> {
    const started = performance.now();
    const timings = { rewrite: 0, retrieve: 0, rerank: 0, generate: 0 };
    const finish = (fields: Partial<Answer> & Pick<Answer, 'answer' | 'mode'>): Answer => ({
      id: randomUUID(),
      question: question.text,
      citations: [],
      contexts: [],
      abstained: fields.mode === 'abstained',
      confidence: 0,
      costUsd: 0,
      usage: NO_USAGE,
      notes: [],
      ...fields,
      latencyMs: Math.round(performance.now() - started),
      timings: roundTimings(timings),
    });

    if (detectIntent(question.text) === 'chitchat') {
      // Small talk never costs a retrieval or a model call.
      yield { type: 'answer', answer: finish({ answer: chitchatReply(question.text), mode: 'chitchat', confidence: 1 }) };
      return;
    }

    const deadline = Deadline.after(this.options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    const prices = this.options.prices ?? DEFAULT_PRICES;
    let costUsd = 0;
    let usage = NO_USAGE;
    const spend = (model: string | undefined, spent: TokenUsage | undefined) => {
      if (!model || !spent) return;
      costUsd += costOf(model, spent, prices).usd;
      usage = addUsage(usage, spent) ?? usage;
    };

    let t = performance.now();
    const rewritten =
      question.history && question.history.length > 0
        ? await withinDeadline(deadline.step(STEP_SHARE.rewrite, FALLBACK_RESERVE_MS), () =>
            this.options.rewriter.rewrite(question.text, question.history!),
          )
        : { text: question.text };
    spend(rewritten.model, rewritten.usage);
    timings.rewrite = performance.now() - t;

    const search = buildSearchQuery(question, rewritten.text, this.options.now?.() ?? new Date());
    if (search.emptyScope) {
      const blocked = search.blockedSources.join(', ') || 'the requested source';
      yield {
        type: 'answer',
        answer: finish({
          answer: `${ABSTENTION_SENTENCE} ${capitalise(blocked)} is not available in this channel.`,
          mode: 'abstained',
          costUsd,
          usage,
        }),
      };
      return;
    }

    const k = question.k ?? DEFAULT_K;
    t = performance.now();
    const depth = Math.max(k, this.options.candidates ?? 40);
    let candidates = await withinDeadline(deadline.step(STEP_SHARE.retrieve, FALLBACK_RESERVE_MS), () =>
      this.options.retriever.retrieve(search, depth),
    );
    const widened = search.widened;
    let widenedNote: string | undefined;
    if (candidates.length === 0 && widened) {
      candidates = await withinDeadline(deadline.step(STEP_SHARE.retrieve, FALLBACK_RESERVE_MS), () =>
        this.options.retriever.retrieve(widened, depth),
      );
      if (candidates.length > 0) widenedNote = 'No document matched the dates or repository read from the question; searched without them.';
    }
    timings.retrieve = performance.now() - t;
    t = performance.now();
    // A failed reranker (e.g. Gemini unreachable) costs ranking quality, never the answer.
    const reranked = this.options.reranker
      ? await withinDeadline(deadline.step(STEP_SHARE.rerank, FALLBACK_RESERVE_MS), () =>
          this.options.reranker!.rerank(search, candidates, { onUsage: spend }),
        ).catch((error: unknown) => {
          this.options.onWarning?.('reranking failed; using the fused ranking', error);
          return candidates;
        })
      : candidates;
    timings.rerank = performance.now() - t;
    t = performance.now();
    // "the default port for bun, deno and workers": one search for several things fills the passages with the one
    // the documents say most about, so each thing compared or listed is also searched on its own, and the rankings
    // are taken in turn. Like reranking, this only adds to the answer: a failure costs nothing more.
    const subjects = comparedParts(search.text);
    const merged =
      subjects.length > 1
        ? await withinDeadline(deadline.step(STEP_SHARE.retrieve, FALLBACK_RESERVE_MS), () => this.rankEachSubject(search, subjects, spend)).then(
            (rankings) => interleaveRankings([...rankings, reranked], reranked),
            (error: unknown) => {
              this.options.onWarning?.("searching each compared subject failed; using the whole question's ranking", error);
              return reranked;
            },
          )
        : reranked;
    timings.retrieve += performance.now() - t;
    const ranked = preferVerified(merged, k);
    // Like reranking, the rest of a section only adds to the answer: a store that fails to give it costs nothing more.
    const { sections } = this.options;
    const neighbours = sections
      ? await withinDeadline(deadline.step(STEP_SHARE.retrieve, FALLBACK_RESERVE_MS), () =>
          sectionNeighbours(ranked.slice(0, k), sections.chunks, search.where),
        ).catch((error: unknown) => {
          this.options.onWarning?.('reading the rest of the sections failed; answering from the chunks found', error);
          return [];
        })
      : [];

    const assembled = assembleContext(ranked, {
      maxTokens: this.options.contextTokens ?? 1_800,
      maxPassages: k,
      sectionNeighbours: neighbours,
      sectionTokens: sections?.tokens ?? 0,
    });
    const { passages, removed: injected } = stripInjectedInstructions(assembled);
    const contexts = passages.map((p) => ({ chunkId: p.chunkIds[0] ?? '', docId: p.docId, score: p.score, text: redactSecrets(p.text).text }));
    if (passages.length === 0) {
      yield { type: 'answer', answer: finish({ answer: ABSTENTION_SENTENCE, mode: 'abstained', costUsd, usage }) };
      return;
    }

    t = performance.now();
    const notes: string[] = [];
    if (widenedNote) notes.push(widenedNote);
    if (injected > 0) notes.push(`Ignored ${injected} instruction-like sentence(s) found inside the sources.`);
    // Optional steps skipped to keep to the deadline (or because Gemini's quota ran out) say so on the answer.
    notes.push(...deadline.notes);
    let generated: { text: string; model: string; usage?: TokenUsage; extractive: boolean };
    try {
      generated = yield* this.generate(this.options.generator, rewritten.text, question, passages, deadline.step(1, FALLBACK_RESERVE_MS));
      if (generated.extractive) notes.push('Extractive answer: sentences quoted from the sources, no language model.');
    } catch (error) {
      // People get one line saying what failed and what Lore did; the provider's details go to the log only.
      const reason = userNote(error);
      this.options.onWarning?.('generation failed; answering extractively', error);
      if (error instanceof GenerationError) spend(error.model, error.usage);
      notes.push(reason);
      yield { type: 'restart', reason };
      generated = yield* this.generate(this.options.fallback, rewritten.text, question, passages);
    }
    timings.generate = performance.now() - t;
    spend(generated.model, generated.usage);

    const abstain = (): Answer =>
      finish({
        answer: formatAbstention(passages),
        mode: 'abstained',
        citations: closestSources(passages),
        contexts,
        costUsd,
        usage,
        notes,
      });

    if (isAbstention(generated.text)) {
      yield { type: 'answer', answer: abstain() };
      return;
    }
    const verification = verifyClaims(generated.text, passages, {
      onUnsupported: 'drop',
      question: rewritten.text,
      ...(this.options.vocabulary ? { vocabulary: this.options.vocabulary } : {}),
    });
    const score = confidence({ retrievalScores: passages.map((p) => p.score), verification });
    // Evidence decides, not scores: an answer with a sentence its passage backs is posted however low retrieval
    // scored (the generator already abstained if nothing in the passages answers); one with none is not.
    if (verification.text.trim() === '' || !verification.claims.some((c) => c.verdict === 'supported' || c.verdict === 'uncited')) {
      yield { type: 'answer', answer: { ...abstain(), confidence: score } };
      return;
    }
    // A model's sentences can stand on the passages' words and still not answer the question, when the passages are
    // about something else entirely: then the answer must at least speak of what was asked.
    if (!generated.extractive && offTopic(rewritten.text, generated.text, passages)) {
      yield { type: 'answer', answer: { ...abstain(), confidence: score } };
      return;
    }
    if (verification.unsupported > 0) notes.push(`${verification.unsupported} unsupported sentence(s) removed.`);
    const cited = parseCitations(verification.text, passages);
    // Links show their real host; those not in a cited passage go (rag/cite/answer-links.ts).
    const links = checkAnswerLinks(cited.text, cited.citations, passages, { lowTrustSources: this.options.lowTrustSources });
    if (links.removed > 0) notes.push(`${links.removed} link(s) not found in the cited sources removed.`);
    if (links.note) notes.push(links.note);
    const mode: AnswerMode = generated.extractive ? 'extractive' : 'generative';
    yield {
      type: 'answer',
      answer: finish({
        answer: redactSecrets(links.text).text,
        mode,
        citations: distinctTitles(cited.citations, passages).map(redactCitation),
        contexts,
        confidence: score,
        costUsd,
        usage,
        notes,
        model: generated.model,
      }),
    };
  }

  /**
   * Each subject searched and reranked on its own, with the question's filters and scope, keeping the chunks that
   * name it: the words the subjects share ("default dev server port") would otherwise rank the subject the
   * documents say most about first in every search.
   */
  private async rankEachSubject(
    search: SearchQuery,
    subjects: readonly string[],
    spend: (model: string | undefined, usage: TokenUsage | undefined) => void,
  ): Promise<RetrievedChunk[][]> {
    const { retriever, reranker } = this.options;
    const terms = subjects.map((subject) => new Set(contentTerms(subject)));
    return Promise.all(
      subjects.map(async (subject, i) => {
        const own = [...(terms[i] as Set<string>)].filter((term) => !terms.every((other) => other.has(term)));
        const query: SearchQuery = {
          text: subject,
          expansions: expandQuery(subject),
          ...(search.where !== undefined ? { where: search.where } : {}),
        };
        const found = await retriever.retrieve(query, SUBJECT_CANDIDATES);
        const ranked = reranker ? await reranker.rerank(query, found, { onUsage: spend }) : found;
        // The subject is named by its most telling word among what was found: "cloudflare" of "cloudflare workers".
        const words = ranked.map((chunk) => new Set(contentTerms(`${chunk.metadata.title} ${chunk.metadata.headingPath} ${chunk.text}`)));
        const speaking = (term: string) => words.filter((w) => w.has(term)).length;
        const name = own.filter((term) => speaking(term) > 0).sort((a, b) => speaking(a) - speaking(b))[0];
        return name === undefined ? [] : ranked.filter((_, j) => words[j]?.has(name));
      }),
    );
  }

  private async *generate(
    generator: Generator,
    standalone: string,
    question: Question,
    passages: Passage[],
    deadline?: Deadline,
  ): AsyncGenerator<AnswerEvent, { text: string; model: string; usage?: TokenUsage; extractive: boolean }> {
    const redactor = new StreamRedactor();
    for await (const event of generator.generate({ question: standalone, passages, history: question.history, ...(deadline ? { deadline } : {}) })) {
      if (event.type === 'delta') {
        const text = redactor.push(event.text);
        if (text) yield { type: 'delta', text };
        continue;
      }
      const rest = redactor.flush();
      if (rest) yield { type: 'delta', text: rest };
      return { text: event.text, model: event.model, usage: event.usage, extractive: generator.id === this.options.fallback.id };
    }
    throw new Error(`${generator.id} ended without a final answer`);
  }
}

function redactCitation(citation: Citation): Citation {
  return { ...citation, title: redactSecrets(citation.title).text };
}

function roundTimings(timings: Answer['timings']): Answer['timings'] {
  return {
    rewrite: Math.round(timings.rewrite),
    retrieve: Math.round(timings.retrieve),
    rerank: Math.round(timings.rerank),
    generate: Math.round(timings.generate),
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The passages barely touch the question and the answer names none of its focus words. */
function offTopic(question: string, answer: string, passages: readonly Passage[]): boolean {
  if (focusTouched(question, passages) >= MIN_FOCUS_TOUCHED) return false;
  const asked = new Set(analyzeQuestion(question).focus);
  return !contentTerms(answer).some((term) => asked.has(term));
}
