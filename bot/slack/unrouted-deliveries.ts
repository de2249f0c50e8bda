import type { App, ReceiverEvent } from '@slack/bolt';
import type { Logger } from 'pino';

// Slack retries (and eventually disables the app's event subscriptions for) deliveries that are not acknowledged
// within 3 s, and Bolt acknowledges only what a listener handles: anything else gets a 404 after its 3 s timeout.
// Two kinds of delivery have no listener in Lore, and both must still get an immediate 200:
// - `app_rate_limited`: Slack telling the app it dropped events for a minute. Bolt cannot type this body (no
//   `event`, no `command`), so it never reaches middleware; it is caught where the receiver hands it to the app.
// - buttons and modals Lore does not know (a message from an older version, another app's view sharing the
//   workspace): acknowledged by catch-all listeners for every id but Lore's own.

/** The fields of Slack's `app_rate_limited` body that Lore reads. */
interface AppRateLimitedBody {
  type: 'app_rate_limited';
  team_id?: string;
  api_app_id?: string;
  /** The start of the minute (Unix seconds) in which Slack stopped sending events. */
  minute_rate_limited?: number;
}

function isAppRateLimited(body: ReceiverEvent['body']): body is AppRateLimitedBody {
  return body.type === 'app_rate_limited';
}

export interface KnownInteractions {
  /** `action_id`s Lore has listeners for. */
  actions: readonly string[];
  /** `callback_id`s of Lore's own modals. */
  views: readonly string[];
}

/** Registers the acknowledgements; call after Lore's own listeners (Bolt runs every listener that matches). */
export function acknowledgeUnrouted(app: App, known: KnownInteractions, log: Logger): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent): Promise<void> => {
    if (!isAppRateLimited(event.body)) return processEvent(event);
    const minute = event.body.minute_rate_limited;
    log.warn(
      {
        team: event.body.team_id,
        minuteRateLimited: minute,
        ...(minute !== undefined ? { minuteStartedAt: new Date(minute * 1000).toISOString() } : {}),
      },
      'Slack rate limited event deliveries to Lore (app_rate_limited): events of that minute were dropped',
    );
    await event.ack();
  };

  const otherThan = (ids: readonly string[]) => new RegExp(`^(?!(?:${ids.map(escapeRegExp).join('|')})$)`);
  app.action({ action_id: otherThan(known.actions) }, async ({ ack, body, action }) => {
    await ack();
    log.info(
      { type: body.type, actionId: 'action_id' in action ? action.action_id : undefined },
      'interaction Lore does not know: acknowledged, ignored',
    );
  });
  for (const type of ['view_submission', 'view_closed'] as const) {
    app.view({ type, callback_id: otherThan(known.views) }, async ({ ack, view }) => {
      await ack();
      log.info({ type, callbackId: view.callback_id }, 'view Lore does not know: acknowledged, ignored');
    });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
