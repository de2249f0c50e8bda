import type { ChatInputCommandInteraction } from 'discord.js';
import type { Logger } from 'pino';
import type { CommandResponder } from '../conversation/conversation.ts';
import { renderCommandReply } from './discord-render.ts';
import { EPHEMERAL, NO_MENTIONS } from './discord-reply-options.ts';
import { guardInteractionToken } from './interaction-token.ts';

/** `/lore` replies: the deferred (private) reply first, then private follow-ups; split to fit Discord's limit. */
export function commandResponder(interaction: ChatInputCommandInteraction, log: Logger): CommandResponder {
  let acknowledged = false;
  const send = async (text: string): Promise<void> => {
    for (const piece of renderCommandReply(text)) {
      if (!acknowledged) {
        acknowledged = true;
        await guardInteractionToken(() => interaction.editReply({ content: piece, allowedMentions: NO_MENTIONS }));
      } else {
        await guardInteractionToken(() => interaction.followUp({ content: piece, flags: EPHEMERAL, allowedMentions: NO_MENTIONS }));
      }
    }
  };
  return {
    acknowledge: send,
    followUp: async (text) => {
      try {
        await send(text);
      } catch (error) {
        // An interaction can be answered for 15 minutes; a longer sync reports by direct message.
        log.warn({ err: error, user: interaction.user.id }, 'could not follow up on the command; sending a direct message instead');
        for (const piece of renderCommandReply(text)) await interaction.user.send({ content: piece, allowedMentions: NO_MENTIONS });
      }
    },
  };
}
