// `/lore sync [source]`, `/lore status`, `/lore help` — and the same words addressed to Lore in a message
// ("@Lore sync notion"). Every platform maps its slash command or message to one of these.
import { parseCommand } from '../../rag/question/parse-command.ts';
import { SYNC_TARGETS, type SyncTarget } from '../../rag/contracts/sources.ts';

export type ChatCommand =
  | { name: 'help' }
  | { name: 'status' }
  | { name: 'sync'; target: SyncTarget }
  /** Not a command Lore knows; `problem` says what was wrong, for the reply. */
  | { name: 'invalid'; problem: string };

/** The text after the slash command (`/lore <text>`). An empty text asks for help. */
export function parseSlashCommand(text: string): ChatCommand {
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

/** A command written to Lore in a message, or undefined when the message is a question. */
export function commandInMessage(text: string): ChatCommand | undefined {
  const web = /^\s*(?:please\s+)?(?:re)?sync\s+(?:the\s+)?web(?:\s+pages)?[.!\s]*$/i.test(text);
  if (web) return { name: 'sync', target: 'web' };
  return parseCommand(text);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
