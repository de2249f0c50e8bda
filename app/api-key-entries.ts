import { isSourceKind, SOURCE_KINDS, type SourceKind } from '../rag/contracts/sources.ts';

// LORE_API_KEYS: comma-separated entries, each `key`, `name:key` or `name:key:sources` (sources joined by `+`, e.g.
// `widget:k3y:web+files`). A key without sources sees every source; one with sources sees only those, exactly as a
// channel limited by lore.config.yaml does. Messages name an entry by its position and name, never by its key.

export interface ApiKeySpec {
  key: string;
  /** What the operator calls the key (`widget`), so messages about LORE_API_KEYS can name it; never the key itself. */
  name?: string;
  /** The only sources questions asked with this key are answered from; undefined: every source. */
  sources?: SourceKind[];
}

const NAME = /^[A-Za-z0-9_.-]+$/;

/** The keys of LORE_API_KEYS, or the first thing wrong with them (as words to follow "LORE_API_KEYS "). */
export function parseApiKeyEntries(entries: readonly string[]): { keys: ApiKeySpec[] } | { problem: string } {
  const keys: ApiKeySpec[] = [];
  const seen = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    const position = `entry ${index + 1}`;
    const parts = entry.split(':').map((part) => part.trim());
    if (parts.length > 3) return { problem: `${position} has more than two ":": use key, name:key or name:key:source+source` };
    const [key, name, sources] = parts.length === 1 ? [parts[0]!, undefined, undefined] : [parts[1]!, parts[0]!, parts[2]];
    const label = name ? `${position} (${name})` : position;
    if (name !== undefined && !NAME.test(name)) return { problem: `${position} has a name that is not letters, digits, ".", "_" or "-"` };
    if (key === '' || /\s/.test(key)) return { problem: `${label} has an empty key or a key with spaces` };
    const earlier = seen.get(key);
    if (earlier !== undefined) return { problem: `${label} repeats the key of entry ${earlier}` };
    seen.set(key, index + 1);
    if (sources === undefined) {
      keys.push({ key, ...(name ? { name } : {}) });
      continue;
    }
    const listed = sources.split('+').map((source) => source.trim());
    const unknown = listed.find((source) => !isSourceKind(source));
    if (unknown !== undefined) return { problem: `${label} names an unknown source "${unknown}": use ${SOURCE_KINDS.join(', ')}, joined by +` };
    keys.push({ key, ...(name ? { name } : {}), sources: [...new Set(listed.filter(isSourceKind))] });
  }
  return { keys };
}
