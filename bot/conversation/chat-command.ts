// `/lore sync [source]`, `/lore status`, `/lore help` — and the same words addressed to Lore in a message
// ("@Lore sync notion"). Every platform maps its slash command or message to one of these.
import { SYNC_TARGETS, type SyncTarget } from '../../rag/contracts/sources.ts';
import { stripMentions } from '../../rag/question/strip-mentions.ts';

export type ChatCommand =
  | { name: 'help' }
  | { name: 'status' }
  | { name: 'sync'; target: SyncTarget }
  /** Verified answers, for admins: list them, replace one's text, or withdraw one. */
  | VerifiedCommand
  /** Not a command Lore knows; `problem` says what was wrong, for the reply. */
  | { name: 'invalid'; problem: string };

export type VerifiedCommand =
  | { name: 'verified'; action: 'list' }
  | { name: 'verified'; action: 'revoke'; id: string }
  | { name: 'verified'; action: 'edit'; id: string; text: string };

const VERIFIED_USAGE = '`/lore verified`, `/lore verified revoke <id>` or `/lore verified edit <id> <new text>`';

/** `verified [list | revoke <id> | edit <id> <text>]`: the new text keeps its case and spacing. */
function parseVerified(rest: string): ChatCommand {
  const match = /^(\S+)?(?:\s+(\S+))?(?:\s+([\s\S]+))?$/.exec(rest.trim());
  const [, action = 'list', id, text] = match ?? [];
  const verb = action.toLowerCase();
  if (verb === 'list' && id === undefined) return { name: 'verified', action: 'list' };
  if (verb === 'revoke' && id !== undefined && text === undefined) return { name: 'verified', action: 'revoke', id };
  if (verb === 'edit' && id !== undefined && text !== undefined && text.trim() !== '')
    return { name: 'verified', action: 'edit', id, text: text.trim() };
  return { name: 'invalid', problem: `Use ${VERIFIED_USAGE}.` };
}

/** The text after the slash command (`/lore <text>`). An empty text asks for help. */
export function parseSlashCommand(text: string): ChatCommand {
  const verified = /^\s*verified\b([\s\S]*)$/i.exec(text);
  if (verified) return parseVerified(verified[1] ?? '');
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const [verb, ...rest] = words;
  if (verb === undefined || verb === 'help') return { name: 'help' };
  if (verb === 'status' && rest.length === 0) return { name: 'status' };
  if (verb === 'sync') {
    if (rest.length === 0) return { name: 'sync', target: 'all' };
    const target = rest.length === 1 ? SYNC_TARGETS.find((t) => t === rest[0]) : undefined;
    if (target) return { name: 'sync', target };
    return {
      name: 'invalid',
      problem: `\`${rest.join(' ')}\` is not a source to sync: use one of ${SYNC_TARGETS.map((t) => `\`${t}\``).join(', ')}.`,
    };
  }
  return { name: 'invalid', problem: `\`${truncate(text.trim(), 60)}\` is not a Lore command.` };
}

/** The words a message may use for a sync target: each target's name, and a few ways of saying it. */
const TARGET_WORDS: Readonly<Record<string, SyncTarget>> = {
  ...Object.fromEntries(SYNC_TARGETS.map((target) => [target, target])),
  'the files': 'files',
  'the web': 'web',
  'web pages': 'web',
  'the web pages': 'web',
  everything: 'all',
  'all sources': 'all',
};

// Politeness around a command does not change it; anything more ("how do I sync notion?") is a question about it.
const POLITE_PREFIX = /^(?:(?:can|could|would|will) you\s+)?(?:please\s+|pls\s+|plz\s+)?/;
const POLITE_SUFFIX = /(?:\s+(?:now|please|pls|plz|thanks|thank you))*$/;

/**
 * A command written to Lore in a message ("sync notion", "help", "status"), or undefined when the message is not
 * exactly a command: then it is a question, even one about a command ("how do I sync notion?").
 */
export function commandInMessage(text: string): ChatCommand | undefined {
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
  if (words === 'verified' || words === 'verified answers') return { name: 'verified', action: 'list' };
  const sync = /^(?:re)?sync(?:\s+(.+))?$/.exec(words);
  if (sync) {
    const target = sync[1] === undefined ? 'all' : TARGET_WORDS[sync[1]];
    return target === undefined ? undefined : { name: 'sync', target };
  }
  return undefined;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
