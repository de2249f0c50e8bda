import type { Rating } from './chat-store.ts';

// Reactions that rate an answer. Slack names them (`+1`, `thumbsup`, with `::skin-tone-N` for skin tones);
// Discord sends the emoji itself. Any other reaction is not feedback.
const RATINGS: Readonly<Record<string, Rating>> = {
  '+1': 'up',
  thumbsup: 'up',
  '👍': 'up',
  '-1': 'down',
  thumbsdown: 'down',
  '👎': 'down',
};

/** The rating a reaction expresses, or undefined when it expresses none. */
export function ratingOf(emoji: string): Rating | undefined {
  const base = emoji.replace(/::skin-tone-\d$/, '').replace(/[\u{1F3FB}-\u{1F3FF}]$/u, '');
  return Object.hasOwn(RATINGS, base) ? RATINGS[base] : undefined;
}
