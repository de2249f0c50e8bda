import {
  Events,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { channelScope } from './channel-scope.ts';
import { commandResponder } from './command-responder.ts';
import type { DiscordEventContext } from './discord-event-context.ts';
import { incomingMessage, type AnswerPlace } from './discord-messages.ts';
import { HAND_OFF_BUTTON, HAND_OFF_RESOLVED_BUTTON } from './discord-render.ts';
import { EPHEMERAL, NO_MENTIONS } from './discord-reply-options.ts';
import { answerIdOfButton, answerIdOfModal, feedbackReasonModal, idAfter, REASON_FIELD } from './feedback-reason-modal.ts';
import { withoutInteractionToken } from './interaction-token.ts';
import { COMMAND_NAME, commandFromSubcommand, MAX_QUESTION_CHARS, SAVE_VERIFIED_COMMAND } from './slash-commands.ts';

const NOT_HERE = 'Lore is not set up for this server. Ask the person who runs Lore to add it (DISCORD_GUILD_IDS).';

/** Answers interactions: `/lore`, the message command that saves a verified answer, Lore's buttons and the reason form. */
export function handleInteractions(context: DiscordEventContext): void {
  const { client, log, work } = context;
  client.on(Events.InteractionCreate, (interaction) => {
    work.run(
      () => onInteraction(context, interaction),
      (error) => log.error({ err: withoutInteractionToken(error), interaction: interaction.id }, 'handling a Discord interaction failed'),
    );
  });
}

async function onInteraction(context: DiscordEventContext, interaction: Interaction): Promise<void> {
  if (interaction.isMessageContextMenuCommand() && interaction.commandName === SAVE_VERIFIED_COMMAND) return saveVerified(context, interaction);
  if (interaction.isChatInputCommand()) {
    if (interaction.commandName === COMMAND_NAME) await onSlashCommand(context, interaction);
    return;
  }
  if (interaction.isButton()) return onButton(context, interaction);
  if (interaction.isModalSubmit()) return onFeedbackReason(context, interaction);
}

/** False, having told the person so, when Lore does not answer in the interaction's server. */
async function admitted(
  { servers }: DiscordEventContext,
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
): Promise<boolean> {
  if (await servers.admits(interaction.guildId, interaction.user.id)) return true;
  await interaction.reply({ content: NOT_HERE, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
  return false;
}

/** The message command "Save as verified answer". */
async function saveVerified(context: DiscordEventContext, interaction: MessageContextMenuCommandInteraction): Promise<void> {
  if (!(await admitted(context, interaction))) return;
  await interaction.deferReply({ flags: EPHEMERAL });
  const reply = await context.conversation.handleSaveVerified(context.platform, {
    channelId: interaction.channelId,
    messageId: interaction.targetId,
    userId: interaction.user.id,
    via: 'shortcut',
  });
  await interaction.editReply({ content: reply, allowedMentions: NO_MENTIONS });
}

async function onSlashCommand(context: DiscordEventContext, interaction: ChatInputCommandInteraction): Promise<void> {
  if (!(await admitted(context, interaction))) return;
  const subcommand = interaction.options.getSubcommand(false);
  if (subcommand === 'ask') return ask(context, interaction);
  // Discord wants an answer within 3 seconds: defer at once, then edit the deferred reply.
  await interaction.deferReply({ flags: EPHEMERAL });
  const command = commandFromSubcommand(subcommand, (name) => interaction.options.getString(name));
  await context.conversation.handleCommand(
    context.platform,
    { userId: interaction.user.id, channelId: interaction.channelId, command },
    commandResponder(interaction, context.log),
  );
}

/** `/lore ask`: a question answered in the channel, as a mention would be. */
async function ask({ client, platform, conversation }: DiscordEventContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const question = interaction.options.getString('question', true).trim();
  await interaction.deferReply();
  // Discord enforces the option's length, but nothing a client sends is taken on trust.
  const problem =
    question === ''
      ? 'Ask a question after `/lore ask`, e.g. `/lore ask question: How long are backups kept?`'
      : question.length > MAX_QUESTION_CHARS
        ? `That question is too long (${question.length} characters; the limit is ${MAX_QUESTION_CHARS.toLocaleString('en-US')}). Please shorten it.`
        : undefined;
  if (problem) {
    await interaction.editReply({ content: problem, allowedMentions: NO_MENTIONS });
    return;
  }
  // The command is a message of its own, always to Lore: Lore answers it where it was sent, as a new conversation.
  const place: AnswerPlace = {
    ...(await channelScope(client, interaction.channelId, interaction.channel)),
    channelId: interaction.channelId,
    threadId: interaction.id,
    inThread: false,
  };
  const incoming = incomingMessage(interaction, place, {
    userId: interaction.user.id,
    fromBot: interaction.user.bot,
    mentionsBot: true,
    text: question,
    files: [],
  });
  const release = platform.registerInteraction(interaction.id, interaction, question);
  try {
    await conversation.handleMessage(platform, incoming);
  } finally {
    await release();
  }
}

/** 👎's "Tell us why" opens the reason form; "Ask a person" and "Resolved" hand the question off or close it. */
async function onButton({ platform, conversation }: DiscordEventContext, interaction: ButtonInteraction): Promise<void> {
  const answerId = answerIdOfButton(interaction.customId);
  if (answerId) {
    await interaction.showModal(feedbackReasonModal(answerId));
    return;
  }
  const handOff = idAfter(interaction.customId, HAND_OFF_BUTTON);
  const resolved = idAfter(interaction.customId, HAND_OFF_RESOLVED_BUTTON);
  if (!handOff && !resolved) return;
  // Within Discord's 3 seconds: the word for the clicker follows once the hand-off is done.
  await interaction.deferReply({ flags: EPHEMERAL });
  const click = { userId: interaction.user.id, channelId: interaction.channelId };
  const reply = handOff
    ? await conversation.handleHandOff(platform, handOff, click)
    : await conversation.handleHandOffResolved(platform, resolved!, click);
  await interaction.editReply({ content: reply, allowedMentions: NO_MENTIONS });
}

/** The reason form sent: kept with the 👎 it explains. */
async function onFeedbackReason({ platform, conversation }: DiscordEventContext, interaction: ModalSubmitInteraction): Promise<void> {
  const answerId = answerIdOfModal(interaction.customId);
  if (!answerId) return;
  const saved = await conversation.recordFeedbackReason(platform, answerId, interaction.user.id, interaction.fields.getTextInputValue(REASON_FIELD));
  const content = saved ? 'Thanks, noted.' : "I couldn't find your 👎 on that answer any more, so I didn't keep the reason.";
  await interaction.reply({ content, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
}
