// Which messages in a support channel (`mode: auto`) Lore answers without being mentioned: a new top-level message
// that asks something. Not chatter ("thanks!", "lol"), not an announcement (a broadcast, "FYI: …", "Reminder: …"),
// not a message to someone else (it mentions a person or a group), not a command, not a bot's message, never a
// reply inside a thread (a thread belongs to the people in it unless they mention Lore). Cheap and local: it runs
// on every message of the channel, and only the questions it lets through cost a search.
import { smallTalkKind } from '../../rag/question/small-talk.ts';
import type { IncomingMessage } from './chat-platform.ts';
import { commandInMessage } from './chat-command.ts';

/** Fewer words than this is chatter, even with a question mark ("really?", "why?"). */
const MIN_WORDS = 3;
/** A message this long is a post or a paste, not a question to answer in a thread. */
const MAX_CHARS = 2_000;

// How questions and requests for help start, in English.
const ASKING_START =
  /^(?:how|what|what's|whats|why|where|where's|when|who|whom|which|can|could|is|are|was|were|does|do|did|should|shall|will|would|has|have|may|might|am|any\s?(?:one|body)|does\s+any\s?(?:one|body)|is\s+there|are\s+there)\b/i;
// Help wanted, without a question's grammar ("I can't log in to the VPN", "getting an error when deploying").
const HELP_WANTED =
  /\b(?:i\s+can'?t|i\s+cannot|i'?m\s+unable\s+to|unable\s+to|(?:i\s+)?need\s+help|help\s+me|how\s+to|(?:getting|get|got)\s+(?:an?\s+)?(?:error|exception)|(?:doesn'?t|does\s+not|isn'?t|is\s+not|won'?t)\s+work|not\s+working|looking\s+for|any\s+(?:idea|pointers|tips)|where\s+(?:can|do)\s+i)\b/i;
// Announcements and status updates, even when they end on a question ("FYI: deploys are frozen. Questions?").
const ANNOUNCEMENT = /^\W*(?:fyi|psa|reminder|announcement|heads[\s-]?up|update|release notes?|note|notice|reminder|\[?announce\w*\]?)\b/i;

/** Whether a message in a support channel is a new question for Lore to answer unasked. */
export function isSupportQuestion(message: IncomingMessage): boolean {
  if (message.fromBot || message.isDirect || message.inThread || message.broadcast || message.mentionsOthers) return false;
  const text = message.text.trim();
  if (text === '' || text.length > MAX_CHARS) return false;
  if (ANNOUNCEMENT.test(text) || smallTalkKind(text) !== undefined || commandInMessage(text) !== undefined) return false;
  if (text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length < MIN_WORDS) return false;
  const sentences = text.split(/(?<=[.!?])\s+|\n+/).map((sentence) => sentence.trim());
  return sentences.some((sentence) => /\?\W*$/u.test(sentence) || ASKING_START.test(sentence)) || HELP_WANTED.test(text);
}
