// Small talk is recognised by elimination: known phrases and filler words are removed, and a message with
// nothing left is small talk. A greeting in front of a real question ("hi, how do I deploy?") leaves the question
// behind, so it still reaches retrieval; a bare "thanks!" never costs a search or an LLM call.
import { stripMentions } from './strip-mentions.ts';

export type SmallTalkKind = 'empty' | 'identity' | 'wellbeing' | 'joke' | 'thanks' | 'farewell' | 'greeting' | 'acknowledgement';

// Order matters twice: longer phrases go before their fragments ("thank you so much" before "thank you"), and
// the first kind found decides the reply, so asking what the bot is wins over a greeting around it.
const PHRASES: ReadonlyArray<readonly [SmallTalkKind, string]> = [
  [
    'identity',
    String.raw`who (?:are|r) (?:you|u)|what (?:are|r) (?:you|u)|what(?:'s| is) your name|what can (?:you|u) do|what do you do|` +
      String.raw`what can i ask(?: you)?|how (?:can|do) you (?:help|work)(?: me| us)?|are you (?:a |an )?(?:bot|robot|human|person|ai|real|there|alive|awake)|` +
      String.raw`you there|tell me about yourself|introduce yourself|what is lore|who is lore`,
  ],
  [
    'wellbeing',
    String.raw`how (?:are|r) (?:you|u)(?: doing)?|how(?:'s| is) it going|how are things|how(?:'s| is) your day|how have you been|what(?:'s| is)? up|wh?assup`,
  ],
  ['joke', String.raw`tell (?:me |us )?a joke|(?:say|tell me) something funny`],
  [
    'thanks',
    String.raw`thank (?:you|u)(?: (?:so|very) much)?|thanks(?: a (?:lot|ton|bunch)| so much)?|thx|tysm|ty|many thanks|cheers|` +
      String.raw`(?:much )?appreciated|appreciate (?:it|that|you)|kudos|(?:great|nice|good) (?:job|work|answer|one|bot)|well done|` +
      String.raw`(?:that(?:'s| is| was) )?(?:very |super |really )?(?:helpful|useful)`,
  ],
  [
    'farewell',
    String.raw`good ?bye|bye(?: bye)?|see (?:you|ya)(?: later| soon| tomorrow)?|cya|later|ttyl|good ?night|gn|` +
      String.raw`have a (?:good|nice|great) (?:day|one|weekend|evening)`,
  ],
  [
    'greeting',
    String.raw`good (?:morning|afternoon|evening|day)|hi+|hello+|hey+|heya|hiya|yo|howdy|greetings|morning|gm|sup|hola|bonjour|hallo|ciao|salut`,
  ],
  [
    'acknowledgement',
    String.raw`ok(?:ay)?|k+|cool|nice|great|awesome|perfect|excellent|amazing|got it|gotcha|makes sense|sounds good|i see|understood|` +
      String.raw`al(?:l )?right|sure|yes|yeah|yep|yup|no|nope|nah|lol|lmao|(?:ha)+h?|(?:he)+h?|wow|oh|ah|hmm+|interesting|good to know|noted|` +
      String.raw`will do|no worries|np|fair enough|indeed`,
  ],
];

const COMPILED = PHRASES.map(([kind, pattern]) => [kind, new RegExp(`\\b(?:${pattern})\\b`, 'g')] as const);

// Words that add nothing to small talk ("thanks SO much for the help, team").
const FILLER = new Set(
  (
    "so much very a lot again for the your all help there team everyone everybody folks guys yall y'all lore bot you u too " +
    'really buddy friend mate pal and me today just anyway dear man people world it this that quick question just now'
  ).split(' '),
);

// biome-ignore lint/suspicious/noMisleadingCharacterClass: joiners and modifiers are matched one code point at a time, by intent.
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200d\ufe0f\u20e3]/gu;
// Slack/Discord shortcodes (`:wave:`, `:+1:`) and text emoticons.
const SHORTCODE = /:[a-z0-9_+-]+:/gi;
const EMOTICON = /(?:^|\s)(?:[:;=8][-']?[()dpo3|\\/*\]]|<3|\^_?\^|x-?d)(?=\s|$)/gi;

/** The kind of small talk when the whole message is small talk (or empty), else undefined. */
export function smallTalkKind(text: string): SmallTalkKind | undefined {
  let rest = ` ${stripMentions(text).replace(SHORTCODE, ' ').replace(EMOJI, ' ')} `
    .replace(EMOTICON, ' ')
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .replace(/\s+/g, ' ');
  let found: SmallTalkKind | undefined;
  for (const [kind, pattern] of COMPILED) {
    const without = rest.replace(pattern, ' ');
    if (without !== rest && found === undefined) found = kind;
    rest = without;
  }
  const leftover = rest.split(/\s+/).filter((word) => word !== '' && !FILLER.has(word.replace(/^'+|'+$/g, '')));
  if (leftover.length > 0) return undefined;
  return found ?? 'empty';
}
