/**
 * Two words one typo apart: one letter changed, added or dropped, or two neighbours swapped ("recieve"). Callers
 * decide which words are long enough for that to be a typo rather than another word.
 */
export function withinOneEdit(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return (
    a.slice(i + 1) === b.slice(i + 1) ||
    a.slice(i + 1) === b.slice(i) ||
    a.slice(i) === b.slice(i + 1) ||
    (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2))
  );
}

/** `typed` could be a typo of `word`: long enough (5+ letters) to tell, same first letter, one edit apart. */
export function isTypoOf(typed: string, word: string): boolean {
  return typed.length >= 5 && word[0] === typed[0] && Math.abs(word.length - typed.length) <= 1 && withinOneEdit(typed, word);
}
