// Checks each sentence of an answer against the passages it cites. A model can cite [2] for something passage
// 2 never says; the reader trusts the marker, so a sentence whose words are not in its passage is dropped or
// flagged. Run it on the model's answer before `parseCitations` renumbers the markers.
import { splitSentences } from '../chunk/split-sentences.ts';
import { isSubjectName } from '../question/question-names.ts';
import type { Passage, Vocabulary } from '../types.ts';
import { isAbstention } from './abstention.ts';
import { TextMemo } from '../text-memo.ts';
import { contentTerms, monthNumbersIn, nameForms, namesIn, numbersIn, spelledNumbersIn, spelledOutAcronyms, stemLite } from './content-terms.ts';
import { findCitationMarkers, stripCitationMarkers } from './parse-citations.ts';
import { unwrapLines } from './unwrap-lines.ts';

/**
 * The support a sentence needs to count as backed by its passages (0–1, see `supportScore`). Measured on the
 * docs-qa development set with its human-written (paraphrased) reference answers: against their relevant pages
 * 87% of sentences reach 0.5, against unrelated pages 1% do (at 0.6: 78% and 0%). Quoted sentences score 1.
 * Tune on the golden set with real model answers.
 */
export const SUPPORT_THRESHOLD = 0.5;

/** Appended to an unsupported sentence when flagging rather than dropping. */
export const UNVERIFIED_FLAG = '(unverified)';

export type ClaimVerdict =
  /** Cited, and its cited passages back it. */
  | 'supported'
  /** Its cited passages do not back it (or, uncited, no passage does). */
  | 'unsupported'
  /** Not cited, but some passage backs it. */
  | 'uncited'
  /** No claim to check: a lead-in ("Here is how:"), a question, the abstention sentence. */
  | 'not-a-claim';

export interface ClaimCheck {
  /** The sentence as it appears in the answer, markers included, surrounding whitespace trimmed. */
  sentence: string;
  /** Passage numbers it cites that exist. */
  cited: number[];
  /** 0–1: how well the passages back it (cited ones, or the best passage when uncited); 0 for non-claims. */
  support: number;
  /** Numbers and names it states that its passages do not contain (each one sinks its support). */
  missing: string[];
  verdict: ClaimVerdict;
}

export interface Verification {
  /** The answer with unsupported sentences dropped or flagged; '' when no claim survived dropping. */
  text: string;
  claims: ClaimCheck[];
  /** Mean support over the claims (0 when there are none). */
  support: number;
  /** Share of claims that are supported or uncited-but-backed (0 when there are none). */
  supportedShare: number;
  unsupported: number;
  uncited: number;
}

export interface VerifyOptions {
  /** What happens to an unsupported sentence; default `drop`. */
  onUnsupported?: 'drop' | 'flag';
  /** Default `SUPPORT_THRESHOLD`. */
  threshold?: number;
  /** The question: a name the answer repeats from it ("the Acme account") is not a new fact to find in a passage. */
  question?: string;
  /**
   * The knowledge base's vocabulary: nor is a name most of its pages are about ("In Hono, …" citing a page on
   * middleware that never says "Hono").
   */
  vocabulary?: Vocabulary;
}

interface PassageEvidence {
  terms: Set<string>;
  /** The content terms of each sentence: two claim terms backed together must appear in one sentence. */
  sentences: Array<Set<string>>;
  numbers: Set<string>;
  /** The content terms of the passage's title and headings, which the model is shown with it: names it may use. */
  labels: Set<string>;
}

// Evidence depends on the text alone, and the same passages are checked for every answer that cites them (and
// again by the online graders). Callers only read it.
const evidenceByText = new TextMemo((text: string): Omit<PassageEvidence, 'labels'> => {
  const sentences = splitSentences(unwrapLines(text)).map((sentence) => new Set(contentTerms(sentence)));
  // Only the evidence reads numbers out of words: in a claim "one" is as often a pronoun as a number.
  const numbers = new Set([...numbersIn(text), ...spelledNumbersIn(text), ...monthNumbersIn(text)]);
  return { terms: new Set(sentences.flatMap((s) => [...s])), sentences, numbers };
});

function evidenceOf(passage: Passage): PassageEvidence {
  const labels = new Set(contentTerms([passage.title, ...(passage.headings ?? [])].join('\n')));
  return { ...evidenceByText.get(passage.text), labels };
}

function merged(evidence: PassageEvidence[]): PassageEvidence {
  return {
    terms: new Set(evidence.flatMap((e) => [...e.terms])),
    sentences: evidence.flatMap((e) => e.sentences),
    numbers: new Set(evidence.flatMap((e) => [...e.numbers])),
    labels: new Set(evidence.flatMap((e) => [...e.labels])),
  };
}

/** What a claim states, read once and checked against each passage in turn. */
interface ClaimFacts {
  terms: string[];
  numbers: string[];
  /** The names it uses that need a passage to back them (not those the question gave or the knowledge base is about). */
  names: string[];
  acronyms: { acronym: string; words: string[] }[];
}

function readClaim(claim: string, knownName: (name: string) => boolean): ClaimFacts {
  return {
    terms: contentTerms(claim),
    numbers: numbersIn(claim),
    names: namesIn(claim).filter((name) => !knownName(name)),
    acronyms: spelledOutAcronyms(claim),
  };
}

/** Support of a claim that names a number or a name its evidence lacks: below any sensible threshold. */
const MISMATCH_CAP = 0.25;

/**
 * Support of a claim by some evidence, 0–1: the share of the claim's content terms found in the evidence, scaled
 * by the share of neighbouring pairs among those found that appear together in one evidence sentence (a half
 * for none, in full for all). The pairs catch a
 * sentence built from the passage's words but with a fact swapped in. Numbers and names are the facts a
 * reader acts on ("25 days", "in March", "ask Priya"), so one the evidence lacks caps the score at MISMATCH_CAP.
 */
function supportScore(claim: ClaimFacts, evidence: PassageEvidence): { support: number; missing: string[] } {
  const { terms } = claim;
  const unique = [...new Set(terms)];
  const backed = (form: string) => evidence.terms.has(stemLite(form)) || evidence.labels.has(stemLite(form));
  // "New York City" where the passage says NYC: the words of a run the passage abbreviates are backed by it.
  const abbreviated = new Set(claim.acronyms.flatMap(({ acronym, words }) => (backed(acronym) ? words : [])));
  const missing = [
    ...claim.numbers.filter((n) => !evidence.numbers.has(n)),
    ...claim.names.filter((name) => !nameForms(name).some(backed) && !abbreviated.has(name)),
  ];
  if (unique.length === 0) return { support: 0, missing };
  const contained = unique.filter((term) => evidence.terms.has(term)).length / unique.length;
  // Pairs of neighbouring terms the evidence has, skipping the claim's own connecting words: a paraphrase ("you
  // sign an agreement to return…") keeps the passage's pairs apart by a word or two, a swapped fact breaks them.
  const found = terms.filter((term) => evidence.terms.has(term));
  const pairs: Array<[string, string]> = [];
  for (let i = 1; i < found.length; i++) {
    const a = found[i - 1] as string;
    const b = found[i] as string;
    if (a !== b) pairs.push([a, b]);
  }
  const together =
    pairs.length === 0 ? contained : pairs.filter(([a, b]) => evidence.sentences.some((s) => s.has(a) && s.has(b))).length / pairs.length;
  // Contained words are the base; how they pair up scales it, so a claim made of few passage words stays low.
  const support = contained * (0.5 + 0.5 * together);
  return { support: missing.length === 0 ? support : Math.min(support, MISMATCH_CAP), missing };
}

/** A sentence states something checkable: two content words or a number, and it is not a lead-in or question. */
function isClaim(body: string): boolean {
  const trimmed = body.trim();
  if (trimmed === '' || /[:?]$/.test(trimmed) || isAbstention(trimmed)) return false;
  return contentTerms(trimmed).length >= 2 || numbersIn(trimmed).length > 0;
}

const LEADING_MARKERS = /^(?:\s*\[\s*\d{1,3}(?:\s*(?:[,;]|[-–])\s*\d{1,3})*\s*\])+/;

/**
 * The answer cut into sentences that join back to it exactly. Markers that open a segment ("Tuesdays. [1] Next")
 * belong to the sentence before them, where the writer meant them.
 */
function sentenceUnits(answer: string): string[] {
  const units: string[] = [];
  for (const segment of splitSentences(answer)) {
    const lead = LEADING_MARKERS.exec(segment)?.[0] ?? '';
    if (lead !== '' && units.length > 0) {
      units[units.length - 1] += lead;
      if (segment.length > lead.length) units.push(segment.slice(lead.length));
    } else {
      units.push(segment);
    }
  }
  return units;
}

/** `unit` without its bracketed asides ("(365 days)") that state any of `numbers`. */
function withoutAsides(unit: string, numbers: readonly string[]): string {
  return unit.replace(/\s+\(([^()]*)\)/g, (aside, inner: string) => (numbersIn(inner).some((n) => numbers.includes(n)) ? '' : aside));
}

function flagged(unit: string): string {
  const body = unit.trimEnd();
  return `${body} ${UNVERIFIED_FLAG}${unit.slice(body.length)}`;
}

export function verifyClaims(answer: string, passages: readonly Passage[], options: VerifyOptions = {}): Verification {
  const threshold = options.threshold ?? SUPPORT_THRESHOLD;
  const mode = options.onUnsupported ?? 'drop';
  const evidence = new Map(passages.map((passage) => [passage.n, evidenceOf(passage)]));
  const everything = [...evidence.values()];
  const givenNames = new Set(contentTerms(options.question ?? ''));
  const { vocabulary } = options;
  const knownName = (name: string) => givenNames.has(stemLite(name)) || (vocabulary !== undefined && isSubjectName(name, vocabulary));
  let all: PassageEvidence | undefined;
  const allEvidence = () => (all ??= merged(everything));

  const judge = (sentence: string, body: string, cited: number[]): ClaimCheck => {
    const claim = readClaim(body, knownName);
    if (cited.length > 0) {
      const { support, missing } = supportScore(claim, merged(cited.map((n) => evidence.get(n) as PassageEvidence)));
      const check: ClaimCheck = { sentence, cited, support, missing, verdict: support >= threshold ? 'supported' : 'unsupported' };
      // A sentence that draws on two passages but cites one ("Bun uses 3000 and Deno 8000 [2]") is still backed by
      // what the reader was given: kept, and counted as imprecisely cited rather than invented.
      if (check.verdict === 'unsupported' && everything.length > cited.length) {
        const whole = supportScore(claim, allEvidence());
        if (whole.support >= threshold) return { sentence, cited, ...whole, verdict: 'uncited' };
      }
      return check;
    }
    // Uncited: judged against the passage that backs it best, and reported either way.
    const scores = everything.map((e) => supportScore(claim, e));
    const best = scores.reduce((a, b) => (b.support > a.support ? b : a), { support: 0, missing: [] as string[] });
    return { sentence, cited, ...best, verdict: best.support >= threshold ? 'uncited' : 'unsupported' };
  };

  const claims: ClaimCheck[] = [];
  const kept: string[] = [];
  let claimsKept = 0;
  for (const unit of sentenceUnits(answer)) {
    const sentence = unit.trim();
    const body = stripCitationMarkers(sentence);
    const cited = [...new Set(findCitationMarkers(sentence).flatMap((m) => m.numbers))].filter((n) => evidence.has(n));
    if (!isClaim(body)) {
      claims.push({ sentence, cited, support: 0, missing: [], verdict: 'not-a-claim' });
      kept.push(unit);
      continue;
    }

    let check = judge(sentence, body, cited);
    // "31536000 seconds (365 days)": a model's aside that converts or rounds a figure states a number no passage
    // has. The sentence stands without it, so the aside goes rather than the whole answer.
    let said = unit;
    if (check.verdict === 'unsupported' && check.missing.length > 0) {
      const plain = withoutAsides(unit, check.missing);
      if (plain !== unit) {
        const retried = judge(plain.trim(), stripCitationMarkers(plain), cited);
        if (retried.verdict !== 'unsupported') [check, said] = [retried, plain];
      }
    }
    claims.push(check);

    if (check.verdict !== 'unsupported') {
      kept.push(said);
      claimsKept++;
    } else if (mode === 'flag') {
      kept.push(flagged(unit));
      claimsKept++;
    }
  }

  const checked = claims.filter((c) => c.verdict !== 'not-a-claim');
  const backed = checked.filter((c) => c.verdict === 'supported' || c.verdict === 'uncited').length;
  return {
    text: checked.length > 0 && claimsKept === 0 ? '' : kept.join('').trim(),
    claims,
    support: checked.length > 0 ? checked.reduce((sum, c) => sum + c.support, 0) / checked.length : 0,
    supportedShare: checked.length > 0 ? backed / checked.length : 0,
    unsupported: checked.filter((c) => c.verdict === 'unsupported').length,
    uncited: checked.filter((c) => c.verdict === 'uncited' || (c.verdict === 'unsupported' && c.cited.length === 0)).length,
  };
}
