import { SYNC_SOURCES, type SyncSource, type SyncTarget } from '../rag/contracts/sources.ts';
import { ConfigError, type Config } from './config.ts';

// Which sources can be synced and what each needs configured. Kept apart from the sync service (which loads
// every connector's SDK) so the command line can refuse an unconfigured source before starting anything.

/** The variable(s) to set for `source` to be synced, or undefined when it is configured. */
export function missingConfiguration(source: SyncSource, config: Config): string | undefined {
  switch (source) {
    case 'files':
      return undefined;
    case 'notion':
      return config.notion.token ? undefined : 'NOTION_TOKEN';
    case 'github': {
      const missing = [!config.github.token && 'GITHUB_TOKEN', config.github.repos.length === 0 && 'GITHUB_REPOS'].filter(Boolean);
      return missing.length > 0 ? missing.join(' and ') : undefined;
    }
    case 'web':
      return config.web.urls.length > 0 ? undefined : 'LORE_WEB_URLS';
  }
}

/** Throws a ConfigError naming what to set when `target` cannot be synced (`all` syncs whatever is configured). */
export function requireConfigured(target: SyncTarget, config: Config): void {
  if (target === 'all') return;
  if (!(SYNC_SOURCES as readonly string[]).includes(target)) throw new ConfigError(`Unknown sync source "${String(target)}"`);
  const missing = missingConfiguration(target, config);
  if (missing) throw new ConfigError(`Cannot sync ${target}: it is not configured (set ${missing})`);
}
