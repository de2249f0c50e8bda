// Which sources each chat channel may see, from a YAML file (lore.config.yaml; format in lore.config.example.yaml).
// Read and validated once at start: a mistake stops Lore with one message naming the file and the field, rather
// than quietly widening or narrowing what a channel can see.
import fs from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { SOURCE_KINDS, type SourceKind } from '../../rag/contracts/sources.ts';
import { LoreError } from '../../rag/errors.ts';
import { OFFER_HELP_EMOJI_NAMES, offerHelpEmoji, type ChatEmoji } from './offer-help-emoji.ts';

export const ALL_SOURCES: readonly SourceKind[] = SOURCE_KINDS;

/** Prompts the assistant panel offers by default, and at most. */
export const DEFAULT_SUGGESTED_PROMPTS = 4;
const MAX_SUGGESTED_PROMPTS = 4;
const PROMPTS_ERROR = `must be a whole number from 0 to ${MAX_SUGGESTED_PROMPTS}`;

const scopeSchema = z.strictObject(
  {
    sources: z.array(z.enum(ALL_SOURCES as [SourceKind, ...SourceKind[]], { error: `must be one of ${ALL_SOURCES.join(', ')}` }), {
      error: (issue) => (issue.input === undefined ? 'is required: the list of sources' : 'must be a list of sources'),
    }),
  },
  { error: 'must be a mapping with a `sources` list' },
);

/** An id as Slack and Discord write them: letters and digits (Discord's arrive as BigInt, see intAsBigInt below). */
const idSchema = z
  .union([z.bigint(), z.string()], { error: 'must be an id (letters and digits)' })
  .transform(String)
  .pipe(z.string().regex(/^[A-Za-z0-9]{1,40}$/, { error: 'must be an id (letters and digits)' }));

const respondersSchema = z
  .strictObject(
    {
      // A Slack user group (S…, mentioned as <!subteam^S…>) or a Discord role id.
      group: idSchema.optional(),
      // Slack user ids (U…/W…) or Discord user ids.
      users: z.array(idSchema, { error: 'must be a list of user ids' }).max(20, { error: 'must list at most 20 users' }).optional(),
    },
    { error: 'must be a mapping with `group` and/or `users`' },
  )
  .refine((value) => value.group !== undefined || (value.users?.length ?? 0) > 0, { error: 'must name a `group` or at least one of `users`' });

const channelSchema = z.strictObject(
  {
    sources: scopeSchema.shape.sources,
    // Secure by default: Lore answers only when mentioned unless a channel says `auto`.
    mode: z.enum(['mention', 'auto'], { error: 'must be `mention` or `auto`' }).optional(),
    offer_help: z
      .string({ error: `must be one emoji: ${OFFER_HELP_EMOJI_NAMES.join(', ')}` })
      .refine((value) => offerHelpEmoji(value) !== undefined, { error: `must be one emoji: ${OFFER_HELP_EMOJI_NAMES.join(', ')}` })
      .optional(),
    responders: respondersSchema.optional(),
    // A short reply in a thread when a sync changed a document its answer cited (bot/conversation/stale-notices.ts).
    stale_notices: z.boolean({ error: 'must be true or false' }).optional(),
  },
  { error: 'must be a mapping with a `sources` list' },
);

const fileSchema = z.strictObject(
  {
    default: scopeSchema.optional(),
    direct_messages: scopeSchema.optional(),
    guests: scopeSchema.optional(),
    external: scopeSchema.optional(),
    // Slack's assistant panel offers at most four prompts (assistant.threads.setSuggestedPrompts).
    // Whole numbers arrive as BigInt (the file is parsed with intAsBigInt, for Discord ids).
    suggested_prompts: z
      .union([z.bigint(), z.number()], { error: PROMPTS_ERROR })
      .transform(Number)
      .pipe(z.number().int({ error: PROMPTS_ERROR }).min(0, { error: PROMPTS_ERROR }).max(MAX_SUGGESTED_PROMPTS, { error: PROMPTS_ERROR }))
      .optional(),
    channels: z
      .record(z.string().regex(/^(?:[a-z]+:)?[A-Za-z0-9]+$/), channelSchema, {
        error: (issue) =>
          issue.code === 'invalid_key'
            ? 'is not a channel id (letters and digits, optionally prefixed by the platform: slack:C123)'
            : 'must be a mapping of channel ids',
      })
      .optional(),
  },
  { error: 'must be a mapping with `default`, `direct_messages`, `guests`, `external`, `suggested_prompts` and `channels`' },
);

export class ChatConfigError extends LoreError {
  override readonly code: string = 'invalid_chat_config';
  override name = 'ChatConfigError';
}

/**
 * Who asks, seen from the workspace Lore is installed in: one of its members, a guest of it (Slack's multi- and
 * single-channel guests), or a user of another workspace (a Slack Connect channel).
 */
export type Audience = 'member' | 'guest' | 'external';

/** Who a hand-off mentions: ids from this file only, never from what someone wrote. */
export interface Responders {
  /** A Slack user group id (`S…`) or a Discord role id. */
  group?: string;
  /** User ids of the platform. */
  users: string[];
}

/**
 * How Lore behaves in a channel beyond what it may see. `mention` (the default): it answers only when addressed.
 * `auto` (a support channel): it also answers new top-level questions nobody addressed to it, but only with a
 * supported answer; otherwise it stays silent or, with `offerHelp`, reacts with that emoji, and answers anyway if
 * the asker adds the same reaction. `responders`: who "Ask a person" mentions (no hand-off without them).
 */
export interface ChannelBehaviour {
  mode: 'mention' | 'auto';
  offerHelp?: ChatEmoji;
  responders?: Responders;
}

export interface ChatConfig {
  /**
   * Sources a channel may see (and whether files may be uploaded there: `upload` among them). A channel's own entry
   * wins; then its workspace's (a Slack team or Discord server id, written like a channel key), then the default.
   * A guest or an external user sees only those of them their `guests` or `external` scope allows (default: none).
   */
  sourcesFor(platform: string, channelId: string, isDirect: boolean, workspaceId?: string, audience?: Audience): SourceKind[];
  /** The channel's mode, offer-help emoji and responders: its own entry, else its workspace's; else mention-only, no hand-off. */
  behaviourOf(platform: string, channelId: string, workspaceId?: string): ChannelBehaviour;
  /**
   * Whether threads of the channel get stale-source notices (`stale_notices: true`): its own entry's setting, else
   * its workspace's; off by default.
   */
  staleNoticesFor(platform: string, channelId: string, workspaceId?: string): boolean;
  /**
   * How many of the most asked, well-answered questions the assistant panel suggests (`suggested_prompts`, 0-4;
   * 0: none), each within what the viewed channel may see.
   */
  readonly suggestedPrompts: number;
  /** What channels and people with no entry of their own see, for the start-up log. */
  readonly effectiveScope: {
    unlistedChannels: SourceKind[];
    directMessages: SourceKind[];
    guests: SourceKind[];
    external: SourceKind[];
    listedChannels: number;
  };
}

interface ParsedChatConfig {
  defaultSources: SourceKind[];
  directSources?: SourceKind[];
  /** Default: nothing. */
  guestSources?: SourceKind[];
  externalSources?: SourceKind[];
  channels: Map<string, SourceKind[]>;
  behaviours?: Map<string, ChannelBehaviour>;
  /** Channel (or workspace) keys whose entry sets `stale_notices`. */
  staleNotices?: Map<string, boolean>;
  suggestedPrompts?: number;
}

const MENTION_ONLY: ChannelBehaviour = { mode: 'mention' };

/** Every channel sees every source, guests and external users none: the behaviour without a configuration file. */
export const OPEN_CHAT_CONFIG: ChatConfig = chatConfigFrom({ defaultSources: [...ALL_SOURCES], channels: new Map() });

export function loadChatConfig(file: string | undefined): ChatConfig {
  if (file === undefined) return OPEN_CHAT_CONFIG;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ChatConfigError(
      `Invalid chat configuration: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return parseChatConfig(text, file);
}

export function parseChatConfig(text: string, file: string): ChatConfig {
  let data: unknown;
  try {
    // Discord ids are 18-19 digits: as plain numbers they would lose precision before they became keys.
    data = parse(text, { intAsBigInt: true }) ?? {};
  } catch (error) {
    throw new ChatConfigError(`Invalid chat configuration in ${file}: not valid YAML (${firstLine((error as Error).message)})`);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    // A misspelt field ("source:") also leaves the real one missing: naming the unknown field says more.
    const issue = parsed.error.issues.find((i) => i.code === 'unrecognized_keys') ?? parsed.error.issues[0]!;
    const field = issue.path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`)).join('') || 'the file';
    const message = issue.code === 'unrecognized_keys' ? `has unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
    throw new ChatConfigError(`Invalid chat configuration in ${file}: ${field} ${message}`);
  }
  const config = parsed.data;
  return chatConfigFrom({
    defaultSources: unique(config.default?.sources ?? ALL_SOURCES),
    directSources: config.direct_messages && unique(config.direct_messages.sources),
    guestSources: config.guests && unique(config.guests.sources),
    externalSources: config.external && unique(config.external.sources),
    channels: new Map(Object.entries(config.channels ?? {}).map(([key, scope]) => [key, unique(scope.sources)])),
    staleNotices: new Map(
      Object.entries(config.channels ?? {}).flatMap(([key, entry]) =>
        entry.stale_notices === undefined ? [] : [[key, entry.stale_notices] as const],
      ),
    ),
    behaviours: new Map(
      Object.entries(config.channels ?? {}).map(([key, entry]) => [
        key,
        {
          mode: entry.mode ?? 'mention',
          ...(entry.offer_help === undefined ? {} : { offerHelp: offerHelpEmoji(entry.offer_help) }),
          ...(entry.responders === undefined
            ? {}
            : {
                responders: {
                  ...(entry.responders.group ? { group: entry.responders.group } : {}),
                  users: [...new Set(entry.responders.users ?? [])],
                },
              }),
        },
      ]),
    ),
    ...(config.suggested_prompts === undefined ? {} : { suggestedPrompts: config.suggested_prompts }),
  });
}

function chatConfigFrom(parsed: ParsedChatConfig): ChatConfig {
  const audienceSources: Record<Audience, readonly SourceKind[] | undefined> = {
    member: undefined,
    guest: parsed.guestSources ?? [],
    external: parsed.externalSources ?? [],
  };
  /** A channel's own entry wins (prefixed, then bare), then its workspace's. */
  const entryOf = <T>(entries: ReadonlyMap<string, T>, platform: string, channelId: string, workspaceId?: string): T | undefined =>
    entries.get(`${platform}:${channelId}`) ??
    entries.get(channelId) ??
    (workspaceId === undefined ? undefined : (entries.get(`${platform}:${workspaceId}`) ?? entries.get(workspaceId)));
  const channelSources = (platform: string, channelId: string, isDirect: boolean, workspaceId?: string): SourceKind[] =>
    entryOf(parsed.channels, platform, channelId, workspaceId) ?? (isDirect ? parsed.directSources : undefined) ?? parsed.defaultSources;
  return {
    sourcesFor: (platform, channelId, isDirect, workspaceId, audience = 'member') => {
      const sources = channelSources(platform, channelId, isDirect, workspaceId);
      const allowed = audienceSources[audience];
      // Narrower, never wider: a guest in a channel sees what both the channel and the guests' scope allow.
      return allowed === undefined ? sources : sources.filter((source) => allowed.includes(source));
    },
    staleNoticesFor: (platform, channelId, workspaceId) =>
      entryOf(parsed.staleNotices ?? new Map<string, boolean>(), platform, channelId, workspaceId) ?? false,
    behaviourOf: (platform, channelId, workspaceId) =>
      entryOf(parsed.behaviours ?? new Map<string, ChannelBehaviour>(), platform, channelId, workspaceId) ?? MENTION_ONLY,
    suggestedPrompts: parsed.suggestedPrompts ?? DEFAULT_SUGGESTED_PROMPTS,
    effectiveScope: {
      unlistedChannels: parsed.defaultSources,
      directMessages: parsed.directSources ?? parsed.defaultSources,
      guests: [...audienceSources.guest!],
      external: [...audienceSources.external!],
      listedChannels: parsed.channels.size,
    },
  };
}

function unique(sources: readonly SourceKind[]): SourceKind[] {
  return [...new Set(sources)];
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
