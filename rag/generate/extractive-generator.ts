// The offline answerer: no model, so it answers with the passages' own words. It reads what the question asks
// for (its focus and the kind of answer: a number, a date, a person…), cuts the passages into the units documents
// answer with (sentences, list items, a line under its heading, a table row with its header, a short code block)
// and quotes the one to three spans that cover the question best, each cited. It never writes a word of its own
// beyond the citation markers and a span's own heading, so it cannot hallucinate; when no span holds the focus and
// the kind of answer asked for, it abstains.
import { ABSTENTION_SENTENCE } from '../cite/abstention.ts';
import { contentTerms, stemLite, words } from '../cite/content-terms.ts';
import { TEAM_SYNONYMS } from '../question/expand-query.ts';
import { analyzeQuestion, type AnswerType, type PhrasalVerb, type QuestionAnalysis, type QuestionPart } from '../question/analyze-question.ts';
import { isTypoOf } from '../question/near-spelling.ts';
import { formalVerbsIn } from '../question/phrasal-verbs.ts';
import { distinguishingNames, questionNames, unmentioned } from '../question/question-names.ts';
import { unknownSubjects } from '../question/unknown-subjects.ts';
import type { GenerationEvent, GenerationRequest, Generator, Passage, Vocabulary } from '../types.ts';
import { answerSpans, type AnswerSpan } from './answer-spans.ts';
import { attributeTerms, holdsAnswerType, statesAttribute, statesOutright } from './answer-type.ts';

export const EXTRACTIVE_ID = 'extractive';

/**
 * The least share of the question's focus (its five rarest words, rarity among the passages at hand, a heading
 * counting for most of its words) that some span with the kind of answer asked for must cover for Lore to answer.
 * Reported by 5-fold cross-validation over real-docs-dev (`lore bench answers --cross-validate`, figures in the
 * README): the best of 0.25–0.55 on all questions, and what most folds choose on the others. Raising it trades
 * answers for abstentions.
 */
export const MIN_FOCUS_COVERAGE = 0.4;

/**
 * Below this share of the question's focus touched by any span, the passages are about something else: a model's
 * answer from them is not posted unless it speaks of what was asked (it names a focus word of the question).
 */
export const MIN_FOCUS_TOUCHED = 0.3;

/** A further span is quoted if it scores at least this share of the best one… */
const FOLLOW_UP_RATIO = 0.55;
/**
 * …or this share, when it is prose of the best span's section or of one holding it: it goes on with the same explanation
 * ("WebSocket support is built into the server package" above "The ws package is deprecated"). On real-docs-dev 0.35,
 * 0.4 and 0.45 gave the same answers and 0.3 fewer facts; the release gate's correctness loses 0.002.
 */
const SAME_SECTION_RATIO = 0.4;
/** Spans sharing this share of their terms say the same thing; only the better one is kept. */
const DUPLICATE_OVERLAP = 0.7;
/** Each rank down the passage list costs this much score: ties go to the better-ranked passage. */
const RANK_DECAY = 0.06;
/** How much a focus word counts when only the span's headings, or only its document's title, hold it. */
const HEADING_WEIGHT = 0.75;
const TITLE_WEIGHT = 0.5;
/** How many of the question's rarest focus words a span is measured against. */
const FOCUS_CAP = 5;
/** "can i…", "do i have to…", "is it ok to…": a question a ruling answers. */
const YES_NO = /(?:^|[-–—:;,.!?]\s*)(?:can|could|may|must|should|do|does|is|are|am)\s+(?:i|we|you|it|they|one|there|that|this|the)\b/i;
/**
 * What rules on such a question: a permission, a prohibition, an obligation or a limit ("cannot be used with
 * streams", "is forbidden", "only for flexible schedules", "is deprecated").
 */
const RULING =
  /\b(?:cannot|can't|can not|may not|must|mustn't|should not|shouldn't|not (?:allowed|permitted|supported|possible|required|needed|necessary)|only|never|required|forbidden|prohibited|deprecated|unsupported|allowed|permitted|no longer|instead)\b/i;
/** Words with which a sentence says what may, must or will happen, or within what limits. */
const MODAL = /\b(?:can|could|may|might|should|need|needs|have to|has to|will|won't|not|no|until|within|up to|at most|at least)\b/i;
/** "is there a way to…?", "are there any…?": asks for the thing, which a span answers by naming it, not by ruling. */
const EXISTS = /\b(?:is|are)\s+there\s+(?:a|an|any)\b/i;
/** "can i…?", "do i have to…?": a part asking for no typed answer, phrased as a yes/no question. */
function asksYesNo(part: QuestionPart): boolean {
  return part.type === 'statement' && YES_NO.test(part.text);
}
/** Whether a span can answer a yes/no question: it rules (`RULING`) or says what may, must or will happen. */
function rulesOn(text: string): boolean {
  return RULING.test(text) || MODAL.test(text);
}
/** The kinds of answer a span can give outright (see `statesOutright`). */
const OUTRIGHT_TYPES = new Set<AnswerType>(['person', 'time', 'quantity', 'place']);
/**
 * How much more a span that says the answer outright counts than one that only describes: a ruling for a yes/no
 * question, a contact for a "who".
 */
const OUTRIGHT_FACTOR = 1.25;
/** A sentence that opens by pointing back at the one before it ("This is because…", "It also…", "These…"). */
const REFERS_BACK = /^(?:this|that|these|those|it|they|such)\b/i;
/** …or that points back further on, at the end of a clause: "a value bigger than that, …", "…to do this." */
const POINTS_BACK = /\b(?:this|that|these|those)\s*[,;:.!?)]/i;
/**
 * How much a word of the asker's circumstances counts, against a word of the question proper, in ranking spans and in
 * deciding whether one answers. On real-docs-dev 0.5, 0.25 and 0 were tried: 0.25 gave the most facts (0.670, against
 * 0.661 and 0.642); 0 answered one question fewer and declined one more near miss.
 */
const SITUATION_WEIGHT = 0.25;
const MONTH = String.raw`(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?`;
/**
 * A heading or title that dates what it holds: a month of a year, or a day ("May 30th, 2024", "30 May 2024", "May
 * 2024", "v2.1.0 - 2024-05-30"). A year alone ("Benefits guide 2024") dates nothing.
 */
const DATED = new RegExp(
  String.raw`\b(?:${MONTH}\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?(?:19|20)\d\d|\d{1,2}(?:st|nd|rd|th)?\s+${MONTH},?\s+(?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d)\b`,
  'i',
);
/** A span without the kind of answer asked for still scores, but far below one with it. */
const WRONG_TYPE_FACTOR = 0.35;

/** Questions a thing's name answers: "which preset…", "what option…". */
const NAMED_TYPES = new Set<AnswerType>(['value', 'name']);

/**
 * "Preset: hono/quick · Suitable platforms: …": a table row has the value a "which preset" asks for in the cell under
 * the header the question names, however plain the value is written (a text export keeps no code marks).
 */
function namesColumn(span: AnswerSpan, focus: readonly string[]): boolean {
  if (span.kind !== 'row') return false;
  return span.text.split(' · ').some((cell) => {
    const label = /^([^:]{1,40}):\s/.exec(cell)?.[1];
    return label !== undefined && contentTerms(label).some((term) => focus.includes(term));
  });
}

/** Questions a code block can answer on its own; for others it is quoted only when nothing else answers. */
const CODE_ANSWERS = new Set<AnswerType>(['steps', 'value', 'name']);

/** How much each kind of span is worth for each kind of question: steps answer "how do I", code answers values. */
const KIND_FACTOR: Record<AnswerSpan['kind'], (type: AnswerType) => number> = {
  sentence: () => 1,
  line: () => 1,
  item: () => 1,
  row: () => 1,
  steps: (type) => (type === 'steps' ? 1.1 : 0.8),
  code: (type) => (CODE_ANSWERS.has(type) ? 0.9 : 0.6),
};

/**
 * What the best span must answer: the part that asks for a typed answer, when it names its own subject ("who
 * approves hotfixes, and does the pipeline run the tests?"); the whole question when that part only asks ("…? how
 * long must it be").
 */
function primary(analysis: QuestionAnalysis): QuestionAnalysis {
  const part = analysis.parts[0] as QuestionPart;
  // "qualtrics locked my account, how often do i log in to keep it active": "it" is the subject another part names.
  const refersBack = /\b(?:it|its|they|them|their|this|that|these|those|one)\b/i.test(part.text);
  return analysis.parts.length > 1 && part.focus.length >= 2 && !refersBack ? { ...analysis, focus: part.focus } : analysis;
}

/** One span's section holds the other's: the same headings, or one's headings open the other's. */
function nestedSection(a: AnswerSpan, b: AnswerSpan): boolean {
  const [outer, inner] = a.headings.length <= b.headings.length ? [a, b] : [b, a];
  return outer.headings.every((heading, i) => heading === inner.headings[i]);
}

/** Two spans under the same headings speak of the same thing. */
function sameSection(a: AnswerSpan, b: AnswerSpan): boolean {
  return a.headings.length === b.headings.length && a.headings.every((heading, i) => heading === b.headings[i]);
}

export interface ExtractiveGeneratorOptions {
  vocabulary?: Vocabulary;
  /** Spans quoted at most; default 3. */
  maxSpans?: number;
  /** Length budget for the whole answer, markers excluded; default 1,000. The best span is always kept. */
  maxChars?: number;
  /** Default `MIN_FOCUS_COVERAGE`. */
  minCoverage?: number;
}

interface Candidate {
  span: AnswerSpan;
  passage: Passage;
  rank: number;
  terms: Set<string>;
  /** Terms of the nearest heading, which names what the span is about… */
  headingTerms: Set<string>;
  /** …and of the headings above it and the document's title, which name the wider topic. */
  titleTerms: Set<string>;
  /** Share of the question's focus the span covers, words weighted by their rarity among the passages at hand. */
  coverage: number;
  /** The same with words weighted by their rarity in the whole knowledge base, when known: what ranks spans. */
  relevance: number;
  typed: boolean;
  /** The dated heading that says when, for prose that does not ("## May 30th, 2024" over "Tool use is now…"). */
  datedBy?: string;
  score: number;
}

/** Puts the marker before the closing punctuation, as a writer would: "…on Tuesdays [1]." */
function cited(sentence: string, n: number): string {
  const match = /^(.*?)([.!?…]+["'”’)*_~]*)$/s.exec(sentence);
  return match ? `${match[1]} [${n}]${match[2]}` : `${sentence} [${n}]`;
}

function overlap(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / Math.max(1, Math.min(a.size, b.size));
}

/** Words a span is scored on: its content terms, with code identifiers also split ("maxRequestBodySize"). */
function spanTerms(text: string): Set<string> {
  const split = text.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[._]/g, ' ');
  return new Set([...contentTerms(text), ...contentTerms(split)]);
}

/** Single-word names for one thing ("dev" and "development", "config" and "configuration"), by stem. */
const ALIASES = new Map<string, string[]>();
for (const group of TEAM_SYNONYMS) {
  const stems = group.filter((form) => /^[\p{L}\p{N}]+$/u.test(form)).map((form) => stemLite(form));
  for (const stem of stems) ALIASES.set(stem, [...(ALIASES.get(stem) ?? []), ...stems.filter((other) => other !== stem)]);
}

/** `verb` followed by `particle`, perhaps with one word between ("log in", "turn it off"), or the two run together ("login"). */
function usesPhrasally(text: string, verb: string, particle: string): boolean {
  const all = words(text);
  return all.some(
    (word, i) =>
      (stemLite(word) === verb && (all[i + 1] === particle || all[i + 2] === particle)) ||
      (word.startsWith(verb) && word.endsWith(particle) && word.length <= verb.length + particle.length + 2),
  );
}

/**
 * The words of `text` a span is scored on for a question: "turn *off* the colours" is not answered by "turns colour
 * codes into colours", so a verb of the question's phrasal verbs counts only where `text` uses it with its particle;
 * "you will return to work" speaks of "come back", and "at least 12 weeks" of a minimum.
 */
function scoredTerms(text: string, phrasal: readonly PhrasalVerb[]): Set<string> {
  const terms = spanTerms(text);
  for (const term of attributeTerms(text)) terms.add(term);
  for (const term of formalVerbsIn(text)) terms.add(term);
  for (const { verb, particle, means } of phrasal) {
    if (means.some((formal) => terms.has(formal))) {
      terms.add(verb);
      terms.add(stemLite(particle));
    } else if (terms.has(verb) && !usesPhrasally(text, verb, particle)) terms.delete(verb);
  }
  return terms;
}

/** A focus word is in a set when its stem is, or (typed in a hurry) a word one letter away from it is. */
function has(terms: ReadonlySet<string>, term: string): boolean {
  if (terms.has(term)) return true;
  if (ALIASES.get(term)?.some((alias) => terms.has(alias))) return true;
  for (const other of terms) if (isTypoOf(term, other)) return true;
  return false;
}

/** An FAQ's heading is the question its section answers ("## How do I give feedback on an answer?"): its words are the span's own. */
function asksHeading(span: AnswerSpan): boolean {
  return /\?\s*$/.test(span.headings.at(-1) ?? '');
}

/** Share of the focus weight a span holds: in its own words fully, in its headings or title in part. */
function focusCoverage(candidate: Candidate, weights: ReadonlyMap<string, number>): number {
  let covered = 0;
  for (const [term, weight] of weights) {
    if (has(candidate.terms, term)) covered += weight;
    else if (has(candidate.headingTerms, term)) covered += (asksHeading(candidate.span) ? 1 : HEADING_WEIGHT) * weight;
    else if (has(candidate.titleTerms, term)) covered += TITLE_WEIGHT * weight;
  }
  // A long question ("how do the extra tokens of tool use affect pricing compared to…") describes more than one
  // sentence will say: a span is measured against its most telling words, not every word of the description.
  const telling = [...weights.values()].sort((a, b) => b - a).slice(0, FOCUS_CAP);
  const total = telling.reduce((sum, w) => sum + w, 0);
  return total > 0 ? Math.min(1, covered / total) : 0;
}

/** The words of a span, spaced alike, to tell when one quotes what another already does. */
function bareText(span: AnswerSpan): string {
  return span.text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A span whose words another chosen span already holds (docs repeat a snippet per language tab) adds nothing. */
function repeats(candidate: Candidate, chosen: readonly Candidate[]): boolean {
  const text = bareText(candidate.span);
  return chosen.some((c) => {
    const other = bareText(c.span);
    return other.includes(text) || text.includes(other);
  });
}

/** A sentence reads on its own; a line, item, row or block often needs its heading to say what it is about. */
function prose(kind: AnswerSpan['kind']): boolean {
  return kind === 'sentence';
}

/**
 * The share of the best span's score a further span needs: list items and rows are alternatives, while prose of the
 * same section, or of the section around it, goes on with the same explanation.
 */
function followUpRatio(candidate: Candidate, best: Candidate): number {
  const goesOn =
    candidate.passage === best.passage && nestedSection(candidate.span, best.span) && prose(candidate.span.kind) && prose(best.span.kind);
  return goesOn ? SAME_SECTION_RATIO : FOLLOW_UP_RATIO;
}

/** A code block with the sentence that introduces it ("Set the limit for Bun as well:"), not a bare block. */
function introduced(span: AnswerSpan): boolean {
  return span.kind === 'code' && !/^\s*(?:```|~~~)/.test(span.text);
}

/**
 * A bare list (no line introducing it) read as one span, for a question asking for one value, time, person, place or
 * number (it names no plural: "minimum bun version"): its items are separate statements, and the focus words one item
 * says and the number another gives ("Multi-runtime: works on Bun…", "Lightweight: under 14kB") do not make an answer
 * together. Its items answer or none does.
 */
function itemsApart(candidate: Candidate, analysis: QuestionAnalysis): boolean {
  return (
    candidate.span.kind === 'steps' &&
    /^\s*(?:[-*+]|\d+[.)])\s/.test(candidate.span.text) &&
    (OUTRIGHT_TYPES.has(analysis.type) || NAMED_TYPES.has(analysis.type)) &&
    !analysis.several
  );
}

/** A sentence that asks: in an FAQ, the next entry's question. */
const ASKS = /\?["'”’)*_]*$/;

/** Code that lost its block on the way in (a scraped page): assignments and calls, outside links and code spans. */
function flattenedCode(text: string): boolean {
  const bare = text.replace(/!?\[[^\]]*\]\([^)]*\)|`[^`]*`/g, ' ');
  const symbols = bare.match(/[=(){}[\];]/g)?.length ?? 0;
  return symbols >= 4 && symbols * 25 > bare.length;
}

export class ExtractiveGenerator implements Generator {
  readonly id = EXTRACTIVE_ID;

  private readonly maxSpans: number;
  private readonly maxChars: number;
  private readonly minCoverage: number;
  private readonly vocabulary: Vocabulary | undefined;

  constructor(options: ExtractiveGeneratorOptions = {}) {
    this.vocabulary = options.vocabulary;
    this.maxSpans = options.maxSpans ?? 3;
    this.maxChars = options.maxChars ?? 1_000;
    this.minCoverage = options.minCoverage ?? MIN_FOCUS_COVERAGE;
  }

  async *generate(request: GenerationRequest): AsyncGenerator<GenerationEvent> {
    if (request.signal?.aborted) throw request.signal.reason;
    const pieces = this.compose(request.question, request.passages);
    const parts = pieces.length > 0 ? pieces : [ABSTENTION_SENTENCE];
    let text = '';
    for (const [i, piece] of parts.entries()) {
      const previous = parts[i - 1];
      // Prose runs on; a list item, table row or code block starts a line of its own.
      const delta = i === 0 ? piece : `${previous?.includes('\n') || piece.includes('\n') || /^- /.test(piece) ? '\n' : ' '}${piece}`;
      text += delta;
      yield { type: 'delta', text: delta };
    }
    yield { type: 'done', text, model: EXTRACTIVE_ID, usage: { inputTokens: 0, outputTokens: 0 }, finishReason: 'STOP' };
  }

  /** The cited spans of the answer, in reading order; empty when the passages do not answer the question. */
  compose(question: string, passages: readonly Passage[]): string[] {
    return this.select(question, passages).map((candidate) => quoted(candidate));
  }

  /**
   * How much of the question's focus the passages touch at all: the best coverage of any span, whatever its kind
   * of answer. Near zero, the passages are about something else, whatever a model wrote from them.
   */
  touches(question: string, passages: readonly Passage[]): number {
    const analysis = analyzeQuestion(question);
    if (analysis.focus.length === 0) return 1;
    return this.rank(analysis, passages).reduce((best, c) => Math.max(best, c.coverage), 0);
  }

  private select(question: string, passages: readonly Passage[]): Candidate[] {
    const analysis = analyzeQuestion(question);
    if (analysis.focus.length === 0) return [];
    // "How do I connect Lore to Microsoft Teams?": passages that never name Microsoft Teams cannot answer it, however
    // well a span matches the rest ("every team that runs Lore…"). A model would notice; quoting must be told.
    const names = questionNames(question, passages);
    if (unmentioned(names, passages).length > 0) return [];
    if (this.vocabulary && unknownSubjects(question, this.vocabulary, passages).length > 0) return [];
    const spans = this.rank(primary(analysis), passages);
    const ranked = spans.filter((c) => c.score > 0);
    // Lore answers when some span holds the focus and the kind of answer asked for; it quotes the most relevant.
    // The best-scoring span may only describe ("The JWT middleware verifies the token") while one further down
    // holds the kind of answer asked for (the options with their values): that one goes first.
    const best = ranked[0]?.typed ? ranked[0] : ranked.find((c) => this.answers(c));
    if (!best?.typed || !ranked.some((c) => this.answers(c) && !itemsApart(c, analysis))) return [];
    // "can I bring my dog to the office?" is answered by a span that says what may, must or will happen, or until
    // when; spans that only mention the office and, elsewhere, a dog do not answer it.
    const asked = analysis.parts[0] as QuestionPart;
    if (asksYesNo(asked) && !EXISTS.test(asked.text) && !ranked.some((c) => this.answers(c) && rulesOn(c.span.text))) return [];

    const chosen: Candidate[] = [best];
    let length = best.span.text.length;
    // Quotes a further span unless it repeats one already quoted or runs past the length budget.
    const quote = (candidate: Candidate): boolean => {
      if (repeats(candidate, chosen) || length + candidate.span.text.length > this.maxChars) return false;
      chosen.push(candidate);
      length += candidate.span.text.length;
      return true;
    };
    // A span for a part no chosen span answers says something new however many words it shares with them ("…is
    // imported from `hono/bun`" next to the Node.js import): only a close second must add words of its own.
    const add = (candidate: Candidate, newPart = false): boolean => {
      if (chosen.length >= this.maxSpans) return false;
      if (!newPart && chosen.some((c) => overlap(c.terms, candidate.terms) >= DUPLICATE_OVERLAP)) return false;
      return quote(candidate);
    };

    // A question in several parts ("how many weeks, and after how many years?") gets a span for each part.
    if (analysis.parts.length > 1) {
      for (const asked of analysis.parts.slice(1)) {
        // "…and to who?" names no subject of its own: it asks about the whole question's.
        const part = asked.focus.length > 0 ? asked : { ...asked, focus: analysis.focus };
        if (chosen.some((c) => this.servesPart(c, part, analysis.parts))) continue;
        const forPart = this.rank({ ...analysis, focus: part.focus, type: part.type, parts: [part] }, passages).find(
          (c) => this.answers(c) && this.servesPart(c, part, analysis.parts),
        );
        if (forPart) add(forPart, true);
      }
    }
    // Then what adds to the answer: close seconds, from the documents already quoted before others.
    // A code block is quoted beside other spans only for a question code answers (see CODE_ANSWERS).
    const codeFits = (c: Candidate) => c.span.kind !== 'code' || CODE_ANSWERS.has(analysis.type);
    const documents = new Set(chosen.map((c) => c.passage.docId));
    const rest = ranked
      .slice(1)
      .filter((c) => c.typed && c.score >= followUpRatio(c, best) * best.score && codeFits(c))
      .sort((a, b) => Number(documents.has(b.passage.docId)) - Number(documents.has(a.passage.docId)) || b.score - a.score);
    for (const candidate of rest) add(candidate);
    // A sentence often needs the ones after it ("Comp time expires after one year. When it does, you forfeit it. If
    // you leave, it is paid out."): the next span of the same section (the paragraph's next sentence, or the next
    // paragraph's first) goes along when it speaks to the question too, and the loop reaches the sentences it adds,
    // so it reads on within the length budget. From the second sentence on, one that names a single word of the
    // question must also share a word with the sentence before it: a paragraph that moves to another topic ("A
    // release is blocked when…" after what the gate measures) has stopped explaining the answer. So does a code
    // block a sentence introduces ("…you need to set the limit for Bun as well:"), whatever the question asks. A
    // question in an FAQ opens the next entry, and code that lost its block on the way in is no sentence to read on
    // with.
    const readOn = new Set<Candidate>();
    for (const candidate of chosen) {
      if (candidate.span.kind !== 'sentence') continue;
      const next = ranked.find(
        (c) =>
          c.passage === candidate.passage &&
          c.span.position === candidate.span.position + 1 &&
          sameSection(c.span, candidate.span) &&
          (codeFits(c) || introduced(c.span)),
      );
      if (!next || ASKS.test(next.span.text) || flattenedCode(next.span.text)) continue;
      const spoken = analysis.focus.filter((term) => has(next.terms, term)).length;
      const first = !readOn.has(candidate);
      const goesOn = spoken >= 2 || (spoken === 1 && (first || [...next.terms].some((term) => candidate.terms.has(term))));
      if (goesOn && quote(next)) readOn.add(next);
    }

    // "This is because `Bun.serve()` answers 413 first" says nothing without the sentence it refers back to: the
    // sentence before it in the same paragraph goes along, whatever words it uses.
    for (let i = 0; i < chosen.length; i++) {
      const candidate = chosen[i] as Candidate;
      // A code block or step list opens with the line that introduces it ("This is useful for mocking…:"), which
      // refers back the same way.
      if (candidate.span.kind !== 'sentence' && candidate.span.kind !== 'code' && candidate.span.kind !== 'steps') continue;
      // The sentence brought along may itself open with "It…": the loop reaches it too.
      const previous = spans.find(
        (c) => c.passage === candidate.passage && c.span.position === candidate.span.position - 1 && c.span.block === candidate.span.block,
      );
      if (previous && (REFERS_BACK.test(candidate.span.text) || POINTS_BACK.test(candidate.span.text))) quote(previous);
    }

    // "what floor is TTS on in the chicago office?" quoted from the Washington, D.C. page answers about another
    // office: a document the answer quotes must mention one of the names the question uses, not only some passage at
    // hand (the list of offices that names Chicago).
    const quotedDocuments = new Set(chosen.map((c) => c.passage.docId));
    const telling = this.vocabulary ? distinguishingNames(names, this.vocabulary) : names;
    const quoted = passages.filter((p) => quotedDocuments.has(p.docId));
    if (telling.length > 0 && unmentioned(telling, quoted).length === telling.length) return [];

    // Spans of one passage stay in the passage's order; the passage holding the best span comes first.
    const groupScore = (candidate: Candidate): number => Math.max(...chosen.filter((c) => c.passage === candidate.passage).map((c) => c.score));
    return chosen.sort((a, b) => groupScore(b) - groupScore(a) || a.rank - b.rank || a.span.position - b.span.position);
  }

  private answers(candidate: Candidate): boolean {
    return candidate.typed && candidate.coverage >= this.minCoverage;
  }

  private servesPart(candidate: Candidate, part: QuestionPart, parts: readonly QuestionPart[]): boolean {
    const text = [...candidate.span.headings.slice(-1), candidate.span.text].join(' ');
    if (!holdsAnswerType(part.type, text, part.unit) || !statesAttribute(part.attribute, text)) return false;
    // What sets this part apart from the others ("deno" in "the port for bun, deno and workers") must be there…
    const distinct = part.focus.filter((term) => !parts.every((other) => other.focus.includes(term)));
    if (distinct.length > 0 && parts.length > 1) {
      // A page's own title counts: the "Bun" page's "use `serveStatic` from `hono/bun`" is about Bun.
      const named = distinct.filter(
        (term) => has(candidate.terms, term) || has(candidate.headingTerms, term) || has(candidate.titleTerms, term),
      ).length;
      return named > 0 && named >= distinct.length / 2;
    }
    // …and otherwise the span itself, not only the headings it shares with its neighbours, must speak to the part.
    const spoken = part.focus.filter((term) => has(candidate.terms, term)).length;
    return spoken > 0 && spoken >= part.focus.length / 2;
  }

  /** Every span of every passage, scored against the question, best first. */
  private rank(analysis: QuestionAnalysis, passages: readonly Passage[]): Candidate[] {
    const candidates: Candidate[] = [];
    passages.forEach((passage, rank) => {
      for (const span of answerSpans(passage.text, passage.headings)) {
        const terms = scoredTerms(span.text, analysis.phrasal);
        if (terms.size === 0) continue;
        const headingTerms = scoredTerms(span.headings.at(-1) ?? '', analysis.phrasal);
        const titleTerms = scoredTerms([passage.title, ...span.headings.slice(0, -1)].join(' '), analysis.phrasal);
        candidates.push({ span, passage, rank, terms, headingTerms, titleTerms, coverage: 0, relevance: 0, typed: false, score: 0 });
      }
    });
    if (candidates.length === 0) return [];

    // A focus word found in few spans tells them apart; one found in none is a part of the question nothing answers.
    const documentFrequency = (term: string) => candidates.filter((c) => has(c.terms, term) || has(c.headingTerms, term)).length;
    // The asker's circumstances ("having a baby in march") are no part of what a passage must say.
    const focus = analysis.focus.filter((term) => !analysis.situation.includes(term) || documentFrequency(term) > 0);
    const contextRarity = (term: string) => Math.log(1 + candidates.length / (documentFrequency(term) + 0.5));
    // The asker's circumstances set the scene; the question proper says which span answers ("going on parental
    // leave — how do I *tock* it?", "can I use ngrok *to demo my app*?"), and whether any does.
    const scene = (term: string) => (analysis.situation.includes(term) ? SITUATION_WEIGHT : 1);
    const contextWeights = new Map(focus.map((term) => [term, scene(term) * contextRarity(term)]));
    const vocabulary = this.vocabulary;
    // Which span answers best is judged by the knowledge base's own rarity of each word, stable whatever else was
    // retrieved; whether any answers at all, by rarity among the passages at hand (see MIN_FOCUS_COVERAGE).
    const corpusWeights = vocabulary
      ? new Map(focus.map((term) => [term, scene(term) * (vocabulary.idf(analysis.focusWords.get(term) ?? term) || contextRarity(term))]))
      : contextWeights;
    const part = analysis.parts[0] as QuestionPart;
    const yesNo = asksYesNo(part);

    // Which focus words name a section of each passage: a span under a sibling section ("### threshold" when the
    // question asks about "level") is about something else, however well the rest matches.
    const sectionWords = new Map<Passage, Set<string>>();
    for (const c of candidates) {
      const words = sectionWords.get(c.passage) ?? new Set<string>();
      for (const term of analysis.focus) if (has(c.headingTerms, term)) words.add(term);
      sectionWords.set(c.passage, words);
    }

    for (const candidate of candidates) {
      const elsewhere = [...(sectionWords.get(candidate.passage) ?? [])].some(
        (term) => !has(candidate.headingTerms, term) && !has(candidate.titleTerms, term) && !has(candidate.terms, term),
      );
      candidate.coverage = focusCoverage(candidate, contextWeights);
      candidate.relevance = corpusWeights === contextWeights ? candidate.coverage : focusCoverage(candidate, corpusWeights);
      // A table row or definition line reads with its heading ("maxAge" over "Default: 600").
      const typedText = prose(candidate.span.kind) ? candidate.span.text : [...candidate.span.headings.slice(-1), candidate.span.text].join(' ');
      const holds = holdsAnswerType(part.type, typedText, part.unit) || (NAMED_TYPES.has(part.type) && namesColumn(candidate.span, part.focus));
      candidate.typed = !elsewhere && holds && statesAttribute(part.attribute, typedText);
      candidate.datedBy = undefined;
      if (!elsewhere && !candidate.typed && part.type === 'time' && prose(candidate.span.kind)) {
        // Release notes, changelogs and meeting notes say when by a dated heading (or a dated page title) over what
        // happened.
        const label = candidate.span.headings.at(-1) ?? candidate.passage.title;
        if (DATED.test(label) && holdsAnswerType('time', label)) {
          candidate.typed = true;
          candidate.datedBy = label;
        }
      }
      const kindFactor = KIND_FACTOR[candidate.span.kind](part.type);
      const verdict =
        (yesNo && RULING.test(candidate.span.text)) || (OUTRIGHT_TYPES.has(part.type) && statesOutright(part.type, candidate.span.text))
          ? OUTRIGHT_FACTOR
          : 1;
      candidate.score =
        (candidate.relevance ** 2 * kindFactor * verdict * (candidate.typed ? 1 : WRONG_TYPE_FACTOR)) / (1 + RANK_DECAY * candidate.rank);
    }
    // Spans that score nothing stay, last: a sentence another one refers back to is quoted with it.
    return candidates.sort((a, b) => b.score - a.score || a.rank - b.rank || a.span.position - b.span.position);
  }
}

const focusReader = new ExtractiveGenerator();

/** How much of the question's focus any span of the passages touches (see `ExtractiveGenerator.touches`). */
export function focusTouched(question: string, passages: readonly Passage[]): number {
  return focusReader.touches(question, passages);
}

/** A span as the answer quotes it: its heading first when the heading says what it is about, then the marker. */
function quoted(candidate: Candidate): string {
  const { span, passage } = candidate;
  const heading = span.headings.at(-1);
  const needsHeading =
    heading !== undefined &&
    !prose(span.kind) &&
    [...spanTerms(heading)].some((term) => !candidate.terms.has(term)) &&
    passage.text.includes(heading.split(' ')[0] ?? heading);
  const label = candidate.datedBy ?? (needsHeading ? heading : undefined);
  if (!span.text.includes('\n')) return cited(label ? `**${label}**: ${span.text}` : span.text, passage.n);
  // A multi-line span (steps, code) is cited on a line of prose, so the marker never lands inside a code block.
  const [first, ...others] = span.text.split('\n');
  if (!/^\s*(?:```|~~~)/.test(first as string)) {
    return [label ? `**${label}**:` : undefined, cited(first as string, passage.n), ...others].filter((line) => line !== undefined).join('\n');
  }
  return [label ? `**${label}** [${passage.n}]:` : undefined, span.text, label ? undefined : `[${passage.n}]`]
    .filter((line) => line !== undefined)
    .join('\n');
}
