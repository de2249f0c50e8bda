// The first decision on every question, before any retrieval or LLM call: small talk gets a canned reply, and
// everything else is a question for the knowledge base. Commands to the bot ("sync notion") are the chat's business
// and never reach here (bot/conversation/chat-command.ts).
import type { Intent } from '../types.ts';
import { smallTalkKind } from './small-talk.ts';

/** 'chitchat' for messages that are only small talk (or empty), else 'question'. */
export function detectIntent(text: string): Intent {
  if (smallTalkKind(text) !== undefined) return 'chitchat';
  return 'question';
}
