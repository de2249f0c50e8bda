// Chat asks with phrasal verbs ("do i have to come back", "how do i sign up", "turn off the colours"); documents
// mostly write the single verb ("return", "enroll", "disable"). A phrasal verb means something else than its verb
// alone, so a passage speaks of it only where it uses the verb with its particle, or the verb documents use instead.
import { stemLite, words } from '../cite/content-terms.ts';
import { taggedWords } from './tagged-words.ts';

export interface PhrasalVerb {
  /** The verb's stem ("sign" in "signed up"). */
  verb: string;
  particle: string;
  /** Stems of the single verbs (and their nouns) a document writes for it: "return" for "come back". */
  means: string[];
}

/** Particles that make a verb phrasal; "to" ("have to") and prepositions that only place the verb are not among them. */
const PARTICLES = new Set(['up', 'off', 'out', 'back', 'down', 'away', 'over', 'in', 'on']);

/**
 * Phrasal verbs of everyday English with one sense in workplace writing, and the words formal writing uses for them.
 * General English, no team's jargon: each pair is what a style guide would suggest in place of the phrasal verb.
 */
const FORMAL: Record<string, string[]> = {
  'come back': ['return'],
  'go back': ['return'],
  'get back': ['return'],
  'give back': ['return'],
  'sign up': ['enroll', 'enrol', 'enrollment', 'register', 'registration', 'subscribe'],
  'turn off': ['disable', 'deactivate'],
  'switch off': ['disable', 'deactivate'],
  'turn on': ['enable', 'activate'],
  'switch on': ['enable', 'activate'],
  'fill out': ['complete'],
  'fill in': ['complete'],
  'find out': ['learn', 'determine'],
  'figure out': ['determine'],
  'set up': ['configure', 'configuration', 'setup', 'install'],
  'pay back': ['reimburse', 'repay'],
  'hand in': ['submit', 'submission'],
  'turn in': ['submit', 'submission'],
  'send in': ['submit', 'submission'],
  'sign off': ['approve', 'approval'],
  'carry over': ['carryover', 'rollover'],
  'roll over': ['carryover', 'rollover'],
  'call off': ['cancel', 'cancellation'],
  'put off': ['postpone', 'defer'],
  'back up': ['backup'],
};

/** Inflections the stemmer does not bring back to the verb ("came", "coming" → "come"). */
const IRREGULAR = new Map<string, string>(
  Object.entries({
    came: 'come',
    coming: 'come',
    went: 'go',
    going: 'go',
    gone: 'go',
    got: 'get',
    getting: 'get',
    gotten: 'get',
    gave: 'give',
    giving: 'give',
    paid: 'pay',
    found: 'find',
    setting: 'set',
    putting: 'put',
    carried: 'carry',
    carries: 'carry',
  }),
);

const FORMAL_BY_STEM = new Map(
  Object.entries(FORMAL).map(([phrase, formal]) => {
    const [verb, particle] = phrase.split(' ') as [string, string];
    return [`${stemLite(verb)} ${particle}`, formal.map(stemLite)];
  }),
);

function verbStem(word: string): string {
  return stemLite(IRREGULAR.get(word) ?? word);
}

/** The table's phrasal verbs in `text`: a verb and its particle, perhaps one word between ("turn it off"). */
function* tablePhrasals(text: string): Generator<{ verb: string; particle: string; formal: string[] }> {
  const all = words(text);
  for (const [i, word] of all.entries()) {
    for (const particle of [all[i + 1], all[i + 2]]) {
      if (particle === undefined) continue;
      const formal = FORMAL_BY_STEM.get(`${verbStem(word)} ${particle}`);
      if (formal) yield { verb: verbStem(word), particle, formal };
    }
  }
}

/**
 * The phrasal verbs of `text`: those compromise tags as such, and those of the table above (a verb and its particle,
 * perhaps one word between: "turn it off").
 */
export function phrasalVerbsOf(text: string): PhrasalVerb[] {
  const found = new Map<string, PhrasalVerb>();
  const add = (verb: string, particle: string) => {
    const key = `${verb} ${particle}`;
    if (!found.has(key)) found.set(key, { verb, particle, means: FORMAL_BY_STEM.get(key) ?? [] });
  };
  const terms = taggedWords(text);
  terms.forEach((term, i) => {
    const next = terms[i + 1];
    if (!next || !term.tags.includes('PhrasalVerb') || term.tags.includes('Particle') || !next.tags.includes('Particle')) return;
    if (PARTICLES.has(next.normal)) add(verbStem(term.normal), next.normal);
  });
  for (const { verb, particle } of tablePhrasals(text)) add(verb, particle);
  return [...found.values()];
}

/**
 * The stems of the single verbs `text`'s phrasal verbs of the table stand for: "a release manager *signs off* each step"
 * speaks of approving, "*set up* the app" of configuring.
 */
export function formalVerbsIn(text: string): string[] {
  return [...tablePhrasals(text)].flatMap(({ formal }) => formal);
}
