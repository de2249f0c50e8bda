import type { types as SlackTypes } from '@slack/bolt';

// After a 👎 Lore invites a one-line reason (an ephemeral message with a button); the button opens this modal.
// The answer it is about travels in `private_metadata`, which Slack returns untouched with the submission.

export const FEEDBACK_REASON_VIEW = 'lore_feedback_reason_view';
const BLOCK = 'reason';
const INPUT = 'reason_input';
export const MAX_REASON_CHARS = 300;

export function feedbackReasonModal(answerId: string): SlackTypes.ModalView {
  return {
    type: 'modal',
    callback_id: FEEDBACK_REASON_VIEW,
    private_metadata: JSON.stringify({ answerId }),
    title: { type: 'plain_text', text: 'What was wrong?' },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: BLOCK,
        label: { type: 'plain_text', text: 'In one line: what was wrong with the answer?' },
        element: {
          type: 'plain_text_input',
          action_id: INPUT,
          max_length: MAX_REASON_CHARS,
          placeholder: { type: 'plain_text', text: 'e.g. it cited an outdated page' },
        },
      },
    ],
  };
}

/** The answer id and reason from a submitted modal, or undefined when the submission is not one of ours. */
export function readFeedbackReason(view: {
  private_metadata?: string;
  state?: { values?: Record<string, Record<string, { value?: string | null }>> };
}): { answerId: string; reason: string } | undefined {
  let answerId: unknown;
  try {
    answerId = (JSON.parse(view.private_metadata ?? '{}') as { answerId?: unknown }).answerId;
  } catch {
    return undefined;
  }
  const reason = view.state?.values?.[BLOCK]?.[INPUT]?.value ?? '';
  if (typeof answerId !== 'string' || answerId === '') return undefined;
  return { answerId, reason };
}
