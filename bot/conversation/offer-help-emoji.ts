// The emoji a support channel may use to offer help (`offer_help` in the chat configuration). Slack reacts by name,
// Discord with the character: a short list known to both keeps the setting the same on either platform.

/** An emoji as each platform writes a reaction: Slack's name and the Unicode character Discord uses. */
export interface ChatEmoji {
  name: string;
  unicode: string;
}

const EMOJI: Readonly<Record<string, string>> = {
  raising_hand: '🙋',
  wave: '👋',
  bulb: '💡',
  question: '❓',
  books: '📚',
  mag: '🔍',
  sos: '🆘',
  handshake: '🤝',
  speech_balloon: '💬',
};

export const OFFER_HELP_EMOJI_NAMES = Object.keys(EMOJI);

/** The emoji a configured value names (`raising_hand`, `:raising_hand:` or `🙋`), or undefined when it is not one of the list. */
export function offerHelpEmoji(value: string): ChatEmoji | undefined {
  const trimmed = value.trim().replace(/^:(.+):$/, '$1');
  if (Object.hasOwn(EMOJI, trimmed)) return { name: trimmed, unicode: EMOJI[trimmed]! };
  const bare = trimmed.replace(/\ufe0f/g, '');
  const name = Object.keys(EMOJI).find((key) => EMOJI[key] === bare);
  return name === undefined ? undefined : { name, unicode: EMOJI[name]! };
}

/** Whether a reaction (a Slack name, possibly with a skin tone, or a Discord character) is `emoji`. */
export function isSameEmoji(reaction: string, emoji: ChatEmoji): boolean {
  const base = reaction.replace(/::skin-tone-\d$/, '').replace(/[\u{1F3FB}-\u{1F3FF}\ufe0f]/gu, '');
  return base === emoji.name || base === emoji.unicode;
}
