// After a 👎, Lore sends the person a direct message with a "Tell Lore why" button; the button opens this dialog
// and its one line is stored with their rating. The answer id travels in the custom ids (Discord allows 100
// characters; answer ids are UUIDs).
import type { APIModalInteractionResponseCallbackData } from 'discord.js';
import { FEEDBACK_REASON_BUTTON } from './discord-render.ts';

export const FEEDBACK_REASON_MODAL = 'lore_feedback_reason_modal:';
export const REASON_FIELD = 'reason';
const MAX_REASON = 300;

/** The answer a "Tell Lore why" button is about, or undefined for any other button. */
export function answerIdOfButton(customId: string): string | undefined {
  return idAfter(customId, FEEDBACK_REASON_BUTTON);
}

export function answerIdOfModal(customId: string): string | undefined {
  return idAfter(customId, FEEDBACK_REASON_MODAL);
}

export function feedbackReasonModal(answerId: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: `${FEEDBACK_REASON_MODAL}${answerId}`,
    title: 'What was wrong with the answer?',
    components: [
      {
        type: 1,
        components: [
          {
            type: 4,
            custom_id: REASON_FIELD,
            label: 'In one line',
            style: 1,
            min_length: 1,
            max_length: MAX_REASON,
            required: true,
            placeholder: 'e.g. it cited an outdated page',
          },
        ],
      },
    ],
  };
}

/** The id a custom id carries after `prefix` (an answer's or a hand-off's), or undefined when it is not that button. */
export function idAfter(customId: string, prefix: string): string | undefined {
  if (!customId.startsWith(prefix)) return undefined;
  const id = customId.slice(prefix.length);
  return /^[\w-]{1,80}$/.test(id) ? id : undefined;
}
