// Neighbouring chunks of one document are shown as one passage. Prose chunks repeat a few sentences of their
// predecessor (chunk overlap), which must appear once in the joined text.

// Chunk overlap is whole sentences; a shorter match is a coincidence ("…in 2024." / "2024 was…"), not a repeat.
const MIN_OVERLAP_CHARS = 12;

/** `first` followed by `second`, without the part of `second` that only repeats the end of `first`. */
export function joinAdjacent(first: string, second: string): string {
  const head = first.trimEnd();
  const tail = second.trimStart();
  const lead = tail.charAt(0);
  // The earliest start whose rest of `head` opens `tail` is the longest overlap.
  for (let at = Math.max(0, head.length - tail.length); at <= head.length - MIN_OVERLAP_CHARS; at++) {
    if (head.charAt(at) !== lead || (at > 0 && !/\s/.test(head.charAt(at - 1)))) continue;
    if (tail.startsWith(head.slice(at))) return head.slice(0, at) + tail;
  }
  return `${head}\n\n${tail}`;
}
