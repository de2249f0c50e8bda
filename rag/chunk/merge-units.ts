import type { DraftChunk } from '../types.ts';

/** A structural piece of a document (a section, a declaration, part of a split one) before merging. */
export interface Unit {
  /** Already trimmed. */
  text: string;
  tokens: number;
  headingPath: string[];
  /**
   * A whole Markdown section may merge with its siblings up to the budget. Parts of a split section,
   * code declarations and numbered sections merge only when one side is tiny.
   */
  mergesWithSiblings: boolean;
}

export interface MergeOptions {
  maxTokens: number;
  minTokens: number;
}

interface Group {
  units: Unit[];
  tokens: number;
}

// Joined units are separated by a blank line; count it so merged chunks stay inside the budget.
const SEPARATOR = '\n\n';
const SEPARATOR_TOKENS = 1;

/** Merges consecutive units into chunks: tiny units join a neighbour, small sibling sections share a chunk. */
export function mergeUnits(units: readonly Unit[], options: MergeOptions): DraftChunk[] {
  const groups: Group[] = [];
  let group: Group | undefined;
  units.forEach((unit, index) => {
    if (group !== undefined && canJoin(group, unit, units[index + 1], options)) {
      group.units.push(unit);
      group.tokens += SEPARATOR_TOKENS + unit.tokens;
      return;
    }
    group = { units: [unit], tokens: unit.tokens };
    groups.push(group);
  });
  return groups.map((g) => ({
    text: g.units.map((unit) => unit.text).join(SEPARATOR),
    headingPath: groupPath(g.units, options.minTokens),
  }));
}

function canJoin(group: Group, unit: Unit, next: Unit | undefined, options: MergeOptions): boolean {
  if (group.tokens + SEPARATOR_TOKENS + unit.tokens > options.maxTokens) return false;
  const groupIsTiny = group.tokens < options.minTokens;
  const unitIsTiny = unit.tokens < options.minTokens;
  // A lone heading belongs with the content under it, not at the end of the previous chunk.
  if (unitIsTiny && !groupIsTiny && next !== undefined && unit.headingPath.length > 0 && startsWith(next.headingPath, unit.headingPath)) {
    return false;
  }
  if (groupIsTiny || unitIsTiny) return true;
  if (!unit.mergesWithSiblings || !group.units.every((member) => member.mergesWithSiblings)) return false;
  // Siblings (and a parent with its direct children) merge; a deep subsection never merges across chapters.
  const groupRoot = commonPrefix(group.units.map((member) => member.headingPath));
  const deepest = Math.max(unit.headingPath.length, ...group.units.map((member) => member.headingPath.length));
  return commonPrefix([groupRoot, unit.headingPath]).length >= deepest - 1;
}

/**
 * The path shared by the substantial members: tiny members (a lone heading, a one-line type) and
 * members outside any heading (imports, a preamble) do not dilute it.
 */
function groupPath(units: readonly Unit[], minTokens: number): string[] {
  const substantial = units.filter((unit) => unit.tokens >= minTokens);
  const candidates = substantial.length > 0 ? substantial : units;
  const placed = candidates.filter((unit) => unit.headingPath.length > 0);
  return commonPrefix((placed.length > 0 ? placed : candidates).map((unit) => unit.headingPath));
}

function commonPrefix(paths: readonly (readonly string[])[]): string[] {
  const [first, ...rest] = paths;
  if (first === undefined) return [];
  let length = first.length;
  for (const path of rest) {
    let i = 0;
    while (i < length && i < path.length && path[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length);
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => path[i] === part);
}
