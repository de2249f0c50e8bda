// Commands addressed to the bot in plain words ("sync notion", "help", "status"). The chat adapters map them to
// the same actions as their slash commands; everything else that is not small talk is treated as a question.
import { stripMentions } from './strip-mentions.ts';

export type SyncTarget = 'notion' | 'github' | 'files' | 'all';

export type BotCommand = { name: 'help' } | { name: 'status' } | { name: 'sync'; target: SyncTarget };

const SYNC_TARGETS: Readonly<Record<string, SyncTarget>> = {
  notion: 'notion',
  github: 'github',
  files: 'files',
  'the files': 'files',
  all: 'all',
  everything: 'all',
  'all sources': 'all',
};

// Politeness around a command does not change it; anything more ("how do I sync notion?") is a question about it.
const POLITE_PREFIX = /^(?:(?:can|could|would|will) you\s+)?(?:please\s+|pls\s+|plz\s+)?/;
const POLITE_SUFFIX = /(?:\s+(?:now|please|pls|plz|thanks|thank you))*$/;

/** The command a message asks for, or undefined when it is not exactly a command. */
export function parseCommand(text: string): BotCommand | undefined {
  const words = stripMentions(text)
    .toLowerCase()
    .replace(/^\/?lore\s+/, '')
    .replace(/^\//, '')
    .replace(/[.!?\s]+$/, '')
    .replace(POLITE_PREFIX, '')
    .replace(POLITE_SUFFIX, '')
    .trim();
  if (words === 'help' || words === 'commands') return { name: 'help' };
  if (words === 'status') return { name: 'status' };
  const sync = /^(?:re)?sync(?:\s+(.+))?$/.exec(words);
  if (sync) {
    const target = sync[1] === undefined ? 'all' : SYNC_TARGETS[sync[1]];
    return target === undefined ? undefined : { name: 'sync', target };
  }
  return undefined;
}
