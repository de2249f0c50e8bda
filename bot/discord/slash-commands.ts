// The `/lore` slash command: `ask question:<text>`, `sync [source]`, `status`, `help`. Discord needs the command
// registered before anyone can use it; Lore overwrites its registration at every start (guild-scoped when a server
// id is configured, which takes effect at once; global otherwise, which Discord can take a while to roll out).
import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ContextMenuCommandBuilder,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
  InteractionContextType,
  SlashCommandBuilder,
  type SlashCommandStringOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { SYNC_SOURCES, type SyncTarget } from '../../rag/contracts/sources.ts';
import { parseSlashCommand, type ChatCommand } from '../conversation/chat-command.ts';

export const COMMAND_NAME = 'lore';
/** Longest question `/lore ask` accepts (Discord enforces it in the client). */
export const MAX_QUESTION_CHARS = 1_000;

const SYNC_CHOICES: readonly SyncTarget[] = ['all', ...SYNC_SOURCES];

export function loreCommand(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription("Ask Lore about your team's knowledge, or manage it")
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .addSubcommand((sub) =>
      sub
        .setName('ask')
        .setDescription('Ask a question; the answer cites its sources')
        .addStringOption((option) =>
          option.setName('question').setDescription('What do you want to know?').setRequired(true).setMaxLength(MAX_QUESTION_CHARS),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('sync')
        .setDescription('Bring sources up to date (Lore admins only)')
        .addStringOption(choiceOption('source', 'Which source (default: all)', SYNC_CHOICES)),
    )
    .addSubcommand((sub) => sub.setName('status').setDescription('How much is indexed and when each source was last synced'))
    .addSubcommand((sub) => sub.setName('help').setDescription('How to use Lore'))
    .addSubcommand((sub) =>
      sub
        .setName('verified')
        .setDescription('List, edit or revoke verified answers (Lore admins only)')
        .addStringOption(choiceOption('action', 'What to do (default: list)', ['list', 'edit', 'revoke']))
        .addStringOption((option) => option.setName('id').setDescription('The verified answer (its id, from the list)'))
        .addStringOption((option) => option.setName('text').setDescription('The new answer (edit)').setMaxLength(MAX_QUESTION_CHARS)),
    )
    .toJSON();
}

/**
 * A string option offering a fixed list of values, each shown as itself: the values are the words Slack's
 * `/lore <text>` takes, so a choice parses the same on both platforms.
 */
function choiceOption(name: string, description: string, values: readonly string[]) {
  return (option: SlashCommandStringOption): SlashCommandStringOption =>
    option
      .setName(name)
      .setDescription(description)
      .addChoices(...values.map((value) => ({ name: value, value })));
}

/** The command a `/lore` subcommand (other than `ask`) stands for, with the same parsing as Slack's `/lore <text>`. */
export function commandFromSubcommand(subcommand: string | null, option: (name: string) => string | null): ChatCommand {
  if (subcommand === 'sync') return parseSlashCommand(`sync ${option('source') ?? 'all'}`);
  if (subcommand === 'verified') {
    const words = [option('action') ?? 'list', option('id'), option('text')].filter((word) => word !== null && word !== '');
    return parseSlashCommand(`verified ${words.join(' ')}`);
  }
  return parseSlashCommand(subcommand ?? 'help');
}

/** The message command "Save as verified answer" (right-click a message → Apps). */
export const SAVE_VERIFIED_COMMAND = 'Save as verified answer';

export function saveVerifiedCommand(): RESTPostAPIContextMenuApplicationCommandsJSONBody {
  return new ContextMenuCommandBuilder()
    .setName(SAVE_VERIFIED_COMMAND)
    .setType(ApplicationCommandType.Message)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .setContexts(InteractionContextType.Guild)
    .toJSON();
}
