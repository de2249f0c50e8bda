import defaultTopics from './default-topics.json' with { type: 'json' };

/**
 * Topic → keywords or phrases, matched case-insensitively on word boundaries. A trailing `*` also
 * matches longer words (`deploy*` matches deploys, deployment…). Spaces in a phrase match any whitespace.
 */
export type TopicTaxonomy = Record<string, string[]>;

/** Topics of a team knowledge base: engineering, deployment, api, security, onboarding, billing, … */
export const DEFAULT_TOPICS: TopicTaxonomy = parseTopicTaxonomy(defaultTopics, 'rag/enrich/default-topics.json');

const DEFAULT_LIMIT = 5;

// Compiled once per taxonomy object: enrichment runs for every chunk of every document.
const compiled = new WeakMap<TopicTaxonomy, readonly [string, RegExp][]>();

/** Topics whose keywords occur in `text`, most mentioned first (taxonomy order breaks ties). */
export function matchTopics(text: string, taxonomy: TopicTaxonomy, limit = DEFAULT_LIMIT): string[] {
  const scored: { topic: string; hits: number; order: number }[] = [];
  compile(taxonomy).forEach(([topic, pattern], order) => {
    const hits = text.match(pattern)?.length ?? 0;
    if (hits > 0) scored.push({ topic, hits, order });
  });
  return scored
    .sort((a, b) => b.hits - a.hits || a.order - b.order)
    .slice(0, limit)
    .map(({ topic }) => topic);
}

/**
 * Checks a taxonomy read from configuration (JSON), naming the offending entry when it is malformed.
 */
export function parseTopicTaxonomy(value: unknown, source = 'topic taxonomy'): TopicTaxonomy {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${source}: expected an object mapping each topic to a list of keywords`);
  }
  const taxonomy: TopicTaxonomy = {};
  for (const [topic, keywords] of Object.entries(value)) {
    if (topic.trim().length === 0) throw new TypeError(`${source}: topic names must not be empty`);
    if (!Array.isArray(keywords) || keywords.some((keyword) => typeof keyword !== 'string' || keyword.replace('*', '').trim().length === 0)) {
      throw new TypeError(`${source}: topic "${topic}" must map to a list of non-empty keyword strings`);
    }
    taxonomy[topic] = keywords as string[];
  }
  return taxonomy;
}

function compile(taxonomy: TopicTaxonomy): readonly [string, RegExp][] {
  let patterns = compiled.get(taxonomy);
  if (patterns === undefined) {
    patterns = Object.entries(taxonomy).flatMap(([topic, keywords]): [string, RegExp][] => {
      const alternatives = keywords.map(keywordPattern).filter((pattern) => pattern.length > 0);
      if (alternatives.length === 0) return [];
      // Lookarounds instead of \b so keywords such as "c++" or ".net" still have boundaries.
      return [[topic, new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}_])`, 'giu')]];
    });
    compiled.set(taxonomy, patterns);
  }
  return patterns;
}

function keywordPattern(keyword: string): string {
  const trimmed = keyword.trim();
  const prefix = trimmed.endsWith('*');
  const words = (prefix ? trimmed.slice(0, -1) : trimmed).trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  const body = words.map((word) => word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('\\s+');
  return prefix ? `${body}[\\p{L}\\p{N}_-]*` : body;
}
