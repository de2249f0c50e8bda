// The first decision on every message, before any retrieval or LLM call: small talk gets a canned reply, commands
// go to the adapters' command handlers, and everything else is a question for the knowledge base.
import type { Intent } from '../types.ts';
import { parseCommand } from './parse-command.ts';
import { smallTalkKind } from './small-talk.ts';

/** 'command' for exact bot commands, 'chitchat' for messages that are only small talk (or empty), else 'question'. */
export function detectIntent(text: string): Intent {
  if (parseCommand(text) !== undefined) return 'command';
  if (smallTalkKind(text) !== undefined) return 'chitchat';
  return 'question';
}
