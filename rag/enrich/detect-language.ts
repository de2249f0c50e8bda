import { STOPWORDS } from './stopwords.ts';

const SAMPLE_CHARS = 2_000;
const MIN_WORDS = 3;

// Scripts that name a language on their own (Cyrillic and Arabic are shared, but these are the
// languages a team knowledge base is most likely to hold).
const SCRIPTS: readonly [RegExp, string][] = [
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/gu, 'ja'],
  [/\p{Script=Hangul}/gu, 'ko'],
  [/\p{Script=Han}/gu, 'zh'],
  [/\p{Script=Cyrillic}/gu, 'ru'],
  [/\p{Script=Arabic}/gu, 'ar'],
  [/\p{Script=Greek}/gu, 'el'],
  [/\p{Script=Hebrew}/gu, 'he'],
  [/\p{Script=Devanagari}/gu, 'hi'],
  [/\p{Script=Thai}/gu, 'th'],
];

/**
 * A cheap guess at the natural language of a text as a BCP 47 code (`en`, `de`, `ja`…): the writing
 * system first, then the share of each Latin-script language's stopwords. `und` when unsure.
 */
export function detectLanguage(text: string): string {
  const sample = text.slice(0, SAMPLE_CHARS);
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return 'und';
  for (const [script, language] of SCRIPTS) {
    const count = sample.match(script)?.length ?? 0;
    // Japanese mixes kana with Han; a little kana is enough to tell it from Chinese.
    const needed = language === 'ja' ? 0.1 : 0.3;
    if (count / letters >= needed) return language;
  }
  const words = sample.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < MIN_WORDS) return 'und';
  let best = 'und';
  let bestHits = 0;
  for (const [language, stopwords] of Object.entries(STOPWORDS)) {
    const hits = words.reduce((count, word) => count + (stopwords.has(word) ? 1 : 0), 0);
    if (hits > bestHits) {
      best = language;
      bestHits = hits;
    }
  }
  // Identifiers, tables of numbers and name lists have almost no function words.
  return bestHits >= 2 && bestHits / words.length >= 0.05 ? best : 'und';
}
