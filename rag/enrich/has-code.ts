import type { DocumentFormat } from '../types.ts';

const FENCE = /^[ \t]*(?:`{3,}|~{3,})/m;
// Lines that are almost never prose: declarations, imports, statements ending in ; or {, arrows,
// comparison operators, shell prompts.
const CODE_LINE = new RegExp(
  [
    String.raw`^\s*(?:import\s+[\w{*"']|from\s+[\w.]+\s+import\s|export\s+(?:default\s+)?(?:async\s+)?(?:const|let|function|class|interface|type|enum)\b)`,
    String.raw`^\s*(?:const|let|var)\s+[\w$]+\s*[:=]`,
    String.raw`^\s*(?:async\s+)?(?:function\s*[\w$]*\s*\(|def\s+\w+\s*\(|class\s+\w+[\s:({<])`,
    String.raw`^\s*(?:#include\s*[<"]|package\s+[\w.]+;?$|using\s+[\w.]+;|public\s+(?:static\s+)?[\w<>\[\]]+\s+\w+\s*\()`,
    String.raw`^\s*\$\s+(?:npm|npx|yarn|pnpm|git|docker|kubectl|pip|python|node|curl|cd|ls|export)\b`,
    String.raw`[)\]}]\s*;\s*$|\)\s*\{\s*$|^\s*\}\s*$`,
    String.raw`=>|===|!==|[\w)]\s*(?:&&|\|\|)\s*[\w!(]|\w::\w`,
  ].join('|'),
  'm',
);

/** Whether a chunk contains code: a code document, a fenced block, or at least two code-like lines. */
export function hasCode(text: string, format: DocumentFormat): boolean {
  if (format === 'code' || FENCE.test(text)) return true;
  let codeLines = 0;
  for (const line of text.split('\n')) {
    // Markdown table rows have `||` for empty cells.
    if (line.trimStart().startsWith('|')) continue;
    if (CODE_LINE.test(line) && ++codeLines >= 2) return true;
  }
  return false;
}
