// What a question asks for, read without a model: the words that name its subject (the focus) and the kind of
// thing that would answer it (a date, a number, a person…). The offline answerer quotes the passage text that
// has both, and abstains when none has; questions typed in chat ("how many yrs", "whats the default") count.
import { contentTerms, isStopword, stemLite, words } from '../cite/content-terms.ts';
import { type PhrasalVerb, phrasalVerbsOf } from './phrasal-verbs.ts';
import { taggedWords } from './tagged-words.ts';

export type { PhrasalVerb } from './phrasal-verbs.ts';

export type AnswerType =
  /** when, by when, what date/deadline: a date, weekday, month, time of day or a relative time. */
  | 'time'
  /** how many/much/long/often/big, what's the max/limit: a number (with `unit` when the question names one). */
  | 'quantity'
  /** who, whom, which team, who do I ask: a person, role, team, e-mail address or channel. */
  | 'person'
  /** where, which link/page/channel: a place, link, path, floor, room or address. */
  | 'place'
  /** what's the default X, which option/flag/header/command: a literal value (code, number, quoted or named). */
  | 'value'
  /** what password manager do we use, which vpn should I use: a named thing (a product, tool or service). */
  | 'name'
  /** how do I…, steps to…: instructions. */
  | 'steps'
  /** what is/does X mean: a definition. */
  | 'definition'
  /** why: a reason. */
  | 'reason'
  /** yes/no and everything else: any statement about the focus. */
  | 'statement';

export interface QuestionPart {
  text: string;
  type: AnswerType;
  /** The stem of what a quantity counts ("weeks" in "how many weeks"), when the question names it. */
  unit?: string;
  /** Focus terms of this part alone. */
  focus: string[];
  /** What is asked of the subject ("the *default* level", "the *max* leave"): the answer must say it. */
  attribute?: Attribute;
}

export type Attribute = 'default' | 'maximum' | 'minimum';

export interface QuestionAnalysis {
  /** Stems of the words that name what the question is about, each once, in order. */
  focus: string[];
  /** The word as typed (shorthand expanded, lowercased) behind each focus stem. */
  focusWords: Map<string, string>;
  /** The type of the whole question: the first part's. */
  type: AnswerType;
  /** One per sub-question ("how many weeks … and how many years …"); one part for a simple question. */
  parts: QuestionPart[];
  /**
   * Focus stems only the asker's situation holds ("*having a baby in march* — how long do i have to change my
   * health plan"): documents state rules, not the asker's circumstances, so a passage need not repeat them.
   */
  situation: string[];
  /**
   * Verbs the question uses with a particle ("turn *off*", "sign *up*", "log *in*"), by stem: a phrasal verb means
   * something else than its verb alone, so only a passage using it with the particle (or run together: "login")
   * speaks of it.
   */
  phrasal: PhrasalVerb[];
  /**
   * The question names several of what it asks for ("what order does it check *sources* in", "which *runtimes*"): a
   * list may answer it as a whole, not only one of its items.
   */
  several: boolean;
}

/** Chat shorthand for the words documents spell out. Only general English abbreviations, never a team's jargon. */
const SHORTHAND: Record<string, string> = {
  yr: 'year',
  yrs: 'years',
  hr: 'hour',
  hrs: 'hours',
  min: 'minute',
  mins: 'minutes',
  sec: 'second',
  secs: 'seconds',
  wk: 'week',
  wks: 'weeks',
  mo: 'month',
  mos: 'months',
  pw: 'password',
  pwd: 'password',
  passwd: 'password',
  sched: 'schedule',
  info: 'information',
  msg: 'message',
  msgs: 'messages',
  mgr: 'manager',
  dept: 'department',
  req: 'request',
  reqs: 'requests',
  approx: 'approximately',
  max: 'maximum',
  tho: 'though',
  thru: 'through',
  u: 'you',
  ur: 'your',
  r: 'are',
  w: 'with',
  b4: 'before',
  asap: 'soon',
};

/** Words that frame what is asked rather than name the subject: "what are the rules for…", "is there a way to…". */
const FRAME = new Set(
  (
    'rule way thing stuff question anything something someone anyone happen happens supposed okay ok allow allowed actually exactly currently usually typically basically long many much often soon far old big ' +
    'cant cannot dont doesnt didnt isnt arent wont wouldnt shouldnt couldnt havent hasnt im ive youre theyre thats theres whats ' +
    'still even though although going gonna wanna want wants right away kept say says said saying like really sure maybe ' +
    'never always ever some any out up q question questions hi hey hello thanks thank ok okay yes yeah wrong correct same different against instead ' +
    'having being had been am getting gets vs versus particular ' +
    // What is left of "isn't", "don't" once the apostrophe splits the word.
    'isn aren wasn weren don doesn didn haven hasn wouldn shouldn couldn'
  )
    .split(' ')
    .map(stemLite),
);

/** Replaces chat shorthand word by word, keeping everything else as typed. */
export function expandShorthand(text: string): string {
  return text.replace(/[A-Za-z0-9_]+/g, (word, offset: number) => {
    const lower = word.toLowerCase();
    // `c.req.header()`, `req.body`: a name in code is spelled as the code spells it.
    if (/[.$]$/.test(text.slice(0, offset)) || /^(?:\(|\.\w)/.test(text.slice(offset + word.length))) return word;
    // `Access-Control-Max-Age`, `x-req-id`: a part of a hyphenated name is no word of its own.
    if (/\w-$/.test(text.slice(0, offset)) || /^-\w/.test(text.slice(offset + word.length))) return word;
    // "kicks me out at 40 min" counts minutes; "min password length" asks for a minimum.
    if (lower === 'min') return /\d\s*$/.test(text.slice(0, offset)) ? 'minutes' : 'minimum';
    // "2 hr", "per hr" count hours; "hr links", "ask hr" name human resources.
    if (lower === 'hr' && !/(?:\d|\bper|\ban|\ba)\s*$/i.test(text.slice(0, offset))) return word;
    return Object.hasOwn(SHORTHAND, lower) ? (SHORTHAND[lower] as string) : word;
  });
}

/** "…: when do…", "… - when is…": a question about time after a chat preamble. */
const CLAUSE_WHEN = /(?:^|[-–—:;,.!?]\s+|[:;]\s*)when\s+(?:is|are|was|were|do|does|did|can|could|should|will|would|must|has|have|am)\b/i;

/** The kind of answer the words of a (sub-)question ask for, and the unit a quantity counts. */
function classify(text: string): { type: AnswerType; unit?: string } {
  // "When the response stops with tool_use, what should be done next?": the clause sets the scene, the rest asks.
  const conditional = /^\s*(?:when|if|once|after|before)\b[^,?]*,\s*(.+)$/i.exec(text);
  if (conditional?.[1] && /\b(?:what|how|which|who|where|why|should|does|do|can|is|are)\b/i.test(conditional[1])) return classify(conditional[1]);
  const q = ` ${text
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/[^a-z0-9' ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;
  const quantity = /\bhow (many|much|long|often|big|large|old|far|soon|fast|frequently)\b(.*)$/.exec(q);
  if (quantity) {
    const [, how, rest] = quantity;
    // "How often" is answered by a frequency ("every three years", "monthly"), which the time check knows.
    if (how === 'soon' || how === 'often' || how === 'frequently') return { type: 'time' };
    if (how === 'many' || how === 'much') {
      // "how many paid federal holidays do we get": what is counted is the last word before the verb.
      const phrase: string[] = [];
      for (const word of (rest ?? '').trim().split(' ')) {
        if (word === '' || UNIT_STOP.has(word)) break;
        phrase.push(word);
      }
      const counted = phrase.at(-1);
      // "How much paid leave" is measured in weeks, "how much storage" in gigabytes: only "how many" names the unit.
      return counted && how === 'many' ? { type: 'quantity', unit: stemLite(counted) } : { type: 'quantity' };
    }
    return { type: 'quantity' };
  }
  if (
    /\b(what|which|whats) (is |are |s )?(the )?(max|maximum|min|minimum|limit|size|number|amount|count|percent|percentage|rate|length|duration|cost|price|fee)\b/.test(
      q,
    )
  ) {
    return { type: 'quantity' };
  }
  // "what's the hotel per diem rate", "whats the max monthly transit subsidy": an amount, whatever comes between.
  if (
    /\b(what|whats|which)\b/.test(q) &&
    /\b(rate|cost|price|fee|amount|salary|stipend|subsidy|allowance|reimbursement rate|budget|percentage)\b/.test(q)
  ) {
    return { type: 'quantity' };
  }
  // "When is it due?" asks for a time; "When the response stops…" only sets the scene. Chat puts a preamble first:
  // "new hire here - when do i get my first paycheck?", "quick q: when is the deadline".
  if (
    CLAUSE_WHEN.test(text) ||
    /^ (by when|until when)\b|^ when (is|are|was|were|do|does|did|can|could|should|will|would|must|has|have|am)\b|\b(what|which|whats) (date|day|time|year|month|deadline|week)\b|\bwhat time\b|\bdeadlines?\b|\bdue dates?\b/.test(
      q,
    )
  ) {
    return { type: 'time' };
  }
  if (
    /^ (?:(?:to|from|with) )?(who|whom|whose)\b|\bwho (do|should|can|to|is|are|will|handles|approves|owns|decides)\b|\b(which|what) (person|team|group|office|department|contact|people|role)\b|\b(contact|check with|talk to|reach out to|ask) (who|whom)\b/.test(
      q,
    )
  ) {
    return { type: 'person' };
  }
  if (
    /^ (where)\b|\bwhere (do|can|is|are|should|to|does)\b|\b(which|what) (floor|room|building|address|url|link|page|site|folder|directory|file|channel|location)\b/.test(
      q,
    )
  ) {
    return { type: 'place' };
  }
  if (/^ why\b|\bwhy (do|does|is|are|did|would|should|can't|doesn't|isn't|won't)\b|\bhow come\b|\breason\b/.test(q)) return { type: 'reason' };
  if (
    /\b(default|option|flag|setting|header|command|parameter|param|argument|arg|version|port|value|env var|variable|method|function|helper|import|package|property|field|status code|middleware|preset)\b/.test(
      q,
    ) &&
    (/\b(what|which|whats)\b/.test(q) || !/\b(how|why|who|where|when|can|could|does|do|did|is|are|should|will|would)\b/.test(q))
  ) {
    return { type: 'value' };
  }
  // "what pw manager are we supposed to use", "which vpn should i use": a thing named answers it.
  if (/\b(what|which|whats) (\w+ ){1,3}(are we|do we|should i|should we|do i|can i|can we|to) (supposed to )?use\b/.test(q)) return { type: 'name' };
  if (/\bhow (do|can|should|would|to|does one)\b|\b(steps|instructions|process|procedure) (to|for)\b|\bhow i\b/.test(q)) return { type: 'steps' };
  if (/^ (what|whats) (is|are|s|does|do)? ?(an? |the )?\w+( \w+)? (mean|stand for)\b|^ (define|meaning of)\b|\bwhat (is|are) (an? )?\w+ ?$/.test(q)) {
    return { type: 'definition' };
  }
  return { type: 'statement' };
}

/** Words that end the noun phrase after "how many": verbs, pronouns, prepositions. */
const UNIT_STOP = new Set(
  "do does did is are was were can could should will would have has had i we you they it he she off per in of for on at to from before after between left there does' get gets total".split(
    ' ',
  ),
);

/** Cuts "how many weeks off is it and how many yrs between them" into its sub-questions. */
function splitParts(text: string): string[] {
  const asks = /\b(?:how (?:many|much|long|often|do|can|soon)|what(?:'s|s)?|which|who|whom|where|when|why|is there|are there|do i|can i|does it)\b/i;
  const pieces = text.split(
    /\?|;|\s+(?:and|also|plus|or)\s+(?=(?:(?:to|from|with) (?:who|whom|where)|how|what|whats|what's|which|who|where|when|why|is there|are there|do i|can i|does|is it)\b)|,\s*(?=(?:and\s+)?(?:how|what|whats|what's|which|who|where|when|why)\b)/i,
  );
  const parts = pieces.map((piece) => piece.trim()).filter((piece) => contentTerms(piece).length > 0 || asks.test(piece));
  return parts.length > 0 ? parts : [text];
}

function attributeOf(text: string): Attribute | undefined {
  const q = text.toLowerCase();
  if (/\b(?:default|defaults|by default)\b/.test(q)) return 'default';
  if (/\b(?:max|maximum|most|limit|upper limit|cap)\b/.test(q) && /\b(?:what|whats|what's|how|which|is there)\b/.test(q)) return 'maximum';
  if (/\b(?:min|minimum|least|lower limit)\b/.test(q) && /\b(?:what|whats|what's|how|which|is there)\b/.test(q)) return 'minimum';
  return undefined;
}

/** "how fast", "how long before": the words after "how" that ask for a measure, not name the subject. */
const MEASURE_ASKED = /\bhow\s+(?:fast|quick(?:ly)?|frequently|large|early|late|long\s+(?:before|until|till))\b/gi;

/**
 * "According to the documentation", "in the Anthropic docs", "mentioned in the handbook": where the asker expects the
 * answer, not what it is about. A passage about documentation is no better an answer for saying "documentation".
 */
const SOURCE_REFERENCE =
  /\b(?:(?:according to|as per|based on|mentioned in|described in|in|from|per)\s+(?:the\s+|our\s+|your\s+|their\s+)?(?:[\w.-]+(?:['’]s)?\s+)?(?:documentation|docs|handbook|wiki|guide|manual)|(?:do|does|did)\s+(?:the\s+|our\s+)?(?:documentation|docs|handbook|wiki|guide|manual)\s+(?:say|give|mention|list|state))\b/gi;

/**
 * "people keep saying", "it keeps crashing", "to keep it active": "keep" says that something goes on or stays as it
 * is, which the word after it names. "which receipts do I keep" asks about keeping; "how long are backups kept"
 * asks how long, and "kept" is a frame word.
 */
const GOES_ON =
  /\b(?:keep|keeps)\s+(?:(?:on\s+)?(?=\w+ing\b)|(?=(?:it|them|this|that|me|us|everything)\s+(?!(?:for|until|in|on|at|after|before|as|and|or|to|from)\b)[a-z]+))/gi;

/** "id like to know", "id rather": chat's "I'd" without its apostrophe; "the chunk id" and "user id" name an id. */
const I_WOULD = /\bid\s+(?=(?:like|love|rather|say|need|want|be|have|think|prefer|guess|assume|appreciate|imagine|expect)\b)/gi;

/** "can you help me with…" asks for help; "is there a helper for…" names a thing (the two share a stem). */
const ASKS_FOR_HELP = /\bhelp(?:s|ed|ing)?\b/gi;

function focusOf(text: string): string[] {
  const asked = text.replace(MEASURE_ASKED, 'how').replace(SOURCE_REFERENCE, ' ').replace(GOES_ON, ' ').replace(I_WOULD, ' ');
  return [...new Set(contentTerms(asked.replace(ASKS_FOR_HELP, ' ')).filter((term) => !FRAME.has(term)))];
}

/**
 * "serveStatic import for node vs bun", "the default port for bun, deno and cloudflare workers": one question per
 * thing compared or listed, each the whole question about that thing alone.
 */
export function comparedParts(text: string): string[] {
  const ITEM = String.raw`[\w@./'-]+(?:\s+(?!and\b|or\b|vs\b)[\w@./'-]+)?`;
  const versus = new RegExp(String.raw`(${ITEM})\s+(?:vs\.?|versus|compared (?:to|with))\s+(${ITEM})`, 'i').exec(text);
  const listed = new RegExp(String.raw`(${ITEM}(?:\s*,\s*${ITEM})+),?\s+(?:and|or)\s+(${ITEM})`, 'i').exec(text);
  // "deadlines for health insurance and for FSA": the preposition said twice sets two things apart.
  const repeated =
    /\b((?:for|with|in|on|about|from) [\w@./'-]+(?:\s+(?!and\b|or\b)[\w@./'-]+)?)\s+(?:and|or)\s+((?:for|with|in|on|about|from) [\w@./'-]+(?:\s+[\w@./'-]+)?)/i.exec(
      text,
    );
  const sameWord = repeated && repeated[1]?.split(' ')[0]?.toLowerCase() === repeated[2]?.split(' ')[0]?.toLowerCase();
  const match = versus ?? listed ?? (sameWord ? repeated : null);
  if (!match) return [];
  const items = versus || !listed ? [match[1] as string, match[2] as string] : [...(match[1] as string).split(/\s*,\s*/), match[2] as string];
  if (items.length < 2 || items.length > 4) return [];
  // "…compared to not using a role prompt", "with or without caching": the absence of a thing is no second thing.
  if (items.some((item) => /^(?:not|no|without|never)\b/i.test(item.trim()))) return [];
  const before = text.slice(0, match.index);
  const after = text.slice(match.index + match[0].length);
  return items.map((item) => `${before}${item}${after}`.trim());
}

/**
 * "having a baby in march — how long…", "i'm fully remote: does…", "new hire here - when…": a preamble that tells
 * the asker's circumstances (it speaks of the asker, or of something they are doing) before the question proper. A
 * preamble that names a topic ("jwt middleware — how do i…") is not one: its words are the subject.
 */
const PREAMBLE = /^(.{3,80}?)\s*(?:[—–]|\s-\s|:\s)\s*(.+)$/s;
const SPEAKS_OF_ASKER =
  /\b(?:i|i'm|im|i've|ive|my|me|we|we're|our|us|here)\b|^\s*[a-z]{2,}ing\s+(?:a|an|the|on|in|to|for|some|\d+|off|out|up|back|away|married)\b/i;

/**
 * "can i use ngrok to demo my app to a partner?": a question asking leave to use a thing, and what for ("to" and a
 * verb, not "to the office"). A rule on the thing answers it ("tools such as ngrok are forbidden") whatever the
 * purpose, so the purpose is the asker's situation.
 */
const LEAVE_TO_USE =
  /(?:^|[-–—:;,.!?]\s*)(?:can|could|may)\s+(?:i|we)\s+(?:use|bring|install|run|take)\s+(.+?)\s+to\s+(?!(?:the|a|an|my|our|your|their|this|that|every|all|each|some|work|office|home)\b)(\w.*)$/i;

function situationOf(text: string): string[] {
  const leave = LEAVE_TO_USE.exec(text);
  if (leave) {
    const thing = new Set(focusOf(leave[1] as string));
    return focusOf(leave[2] as string).filter((term) => !thing.has(term));
  }
  const preamble = PREAMBLE.exec(text);
  if (!preamble || !SPEAKS_OF_ASKER.test(preamble[1] as string)) return [];
  const asked = new Set(focusOf(preamble[2] as string));
  return focusOf(preamble[1] as string).filter((term) => !asked.has(term));
}

export function analyzeQuestion(question: string): QuestionAnalysis {
  const text = expandShorthand(question.replace(/<[@#!][^>]*>/g, ' '));
  const compared = comparedParts(text);
  const pieces = compared.length > 0 ? compared : splitParts(text);
  const parts: QuestionPart[] = pieces.map((part) => {
    const attribute = attributeOf(part);
    return { text: part, ...classify(part), focus: focusOf(part), ...(attribute ? { attribute } : {}) };
  });
  // A part that only asks ("and how long?") is about the subject of the whole question.
  const focus = focusOf(text);
  const focusWords = new Map<string, string>();
  for (const word of words(text)) {
    const stem = stemLite(word);
    if (!isStopword(word) && focus.includes(stem) && !focusWords.has(stem)) focusWords.set(stem, word);
  }
  // "What are the rules for the passcode? How long must it be?": the typed part says what the answer must hold.
  const typed = parts.find((part) => part.type !== 'statement') ?? (parts[0] as QuestionPart);
  return {
    focus,
    focusWords,
    type: typed.type,
    parts: [typed, ...parts.filter((part) => part !== typed)],
    situation: situationOf(text),
    phrasal: phrasalVerbsOf(text).filter(({ verb, particle }) => focus.includes(verb) || focus.includes(stemLite(particle))),
    several: namesSeveral(text),
  };
}

/** A plural noun among the question's words ("whats", chat's "what's", is none). */
function namesSeveral(text: string): boolean {
  return taggedWords(text).some((term) => term.tags.includes('Plural') && term.tags.includes('Noun') && !FRAME.has(stemLite(term.normal)));
}
