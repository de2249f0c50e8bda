// Small talk is answered without retrieval or an LLM, but each reply says what Lore is for, so someone who
// only said "hi" learns how to use it.
import { smallTalkKind, type SmallTalkKind } from './small-talk.ts';

const WHAT_I_DO =
  "I answer questions from your team's knowledge base (Notion, GitHub and uploaded documents), with numbered links to the sources. " +
  'Mention me with a question, or say `help` for commands.';

const REPLIES: Readonly<Record<SmallTalkKind, string>> = {
  greeting: `Hi! I'm Lore. ${WHAT_I_DO}`,
  identity: `I'm Lore, your team's knowledge bot. ${WHAT_I_DO}`,
  wellbeing: `All good here, thanks for asking! ${WHAT_I_DO}`,
  joke: `I'm better at facts than jokes. ${WHAT_I_DO}`,
  thanks: "You're welcome! Ask me anything else about your team's docs whenever you like.",
  farewell: 'Bye! Mention me whenever you need something from the knowledge base.',
  acknowledgement: "Glad that helps. If you have another question about your team's docs, just ask.",
  empty: `Hi! ${WHAT_I_DO}`,
};

/** A short friendly answer to small talk; also safe for any other text (it then describes what Lore does). */
export function chitchatReply(text: string): string {
  return REPLIES[smallTalkKind(text) ?? 'empty'];
}
