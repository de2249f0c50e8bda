// Which sources each chat channel may see, from a YAML file (lore.config.yaml; format in lore.config.example.yaml).
// Read and validated once at start: a mistake stops Lore with one message naming the file and the field, rather
// than quietly widening or narrowing what a channel can see.
import fs from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { SOURCE_KINDS, type SourceKind } from '../../rag/contracts/sources.ts';
import { LoreError } from '../../rag/errors.ts';

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
      .record(z.string().regex(/^(?:[a-z]+:)?[A-Za-z0-9]+$/), scopeSchema, {
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

export interface ChatConfig {
  /**
   * Sources a channel may see (and whether files may be uploaded there: `upload` among them). A channel's own entry
   * wins; then its workspace's (a Slack team or Discord server id, written like a channel key), then the default.
   * A guest or an external user sees only those of them their `guests` or `external` scope allows (default: none).
   */
  sourcesFor(platform: string, channelId: string, isDirect: boolean, workspaceId?: string, audience?: Audience): SourceKind[];
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
  suggestedPrompts?: number;
}

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
    ...(config.suggested_prompts === undefined ? {} : { suggestedPrompts: config.suggested_prompts }),
  });
}

function chatConfigFrom(parsed: ParsedChatConfig): ChatConfig {
  const audienceSources: Record<Audience, readonly SourceKind[] | undefined> = {
    member: undefined,
    guest: parsed.guestSources ?? [],
    external: parsed.externalSources ?? [],
  };
  const channelSources = (platform: string, channelId: string, isDirect: boolean, workspaceId?: string): SourceKind[] =>
    parsed.channels.get(`${platform}:${channelId}`) ??
    parsed.channels.get(channelId) ??
    (workspaceId === undefined ? undefined : (parsed.channels.get(`${platform}:${workspaceId}`) ?? parsed.channels.get(workspaceId))) ??
    (isDirect ? parsed.directSources : undefined) ??
    parsed.defaultSources;
  return {
    sourcesFor: (platform, channelId, isDirect, workspaceId, audience = 'member') => {
      const sources = channelSources(platform, channelId, isDirect, workspaceId);
      const allowed = audienceSources[audience];
      // Narrower, never wider: a guest in a channel sees what both the channel and the guests' scope allow.
      return allowed === undefined ? sources : sources.filter((source) => allowed.includes(source));
    },
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
