import type { FileInput } from './file-document.ts';
import { InputError } from './input-error.ts';

/** Elements that never have children. */
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/** Elements whose end tag may be left out: parsers close them implicitly, so they do not pile up. */
const OPTIONAL_END_ELEMENTS = new Set([
  'html',
  'head',
  'body',
  'p',
  'li',
  'dt',
  'dd',
  'option',
  'optgroup',
  'tr',
  'td',
  'th',
  'thead',
  'tbody',
  'tfoot',
  'colgroup',
  'caption',
  'rb',
  'rt',
  'rtc',
  'rp',
]);

/** Elements whose content is text up to their end tag, whatever it looks like. */
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes']);

const TAG_OR_COMMENT = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:\s[^>]*?)?(\/?)>/g;

/**
 * How deeply elements are nested, read from the markup in one linear pass before any real parser
 * runs. HTML parsers and converters are recursive or quadratic in depth: a 1 MB page of nested
 * <div>s takes parse5 over a minute and overflows the stack of turndown, so depth is checked first.
 * Approximate (a `>` inside an attribute value can confuse it) but never fooled into a low count
 * by the nesting that matters.
 */
export function htmlNestingDepth(html: string): number {
  const lower = html.toLowerCase();
  let depth = 0;
  let deepest = 0;
  TAG_OR_COMMENT.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = TAG_OR_COMMENT.exec(html)) !== null) {
    const name = match[2]?.toLowerCase();
    if (name === undefined) continue; // a comment
    const closing = match[1] === '/';
    if (VOID_ELEMENTS.has(name) || OPTIONAL_END_ELEMENTS.has(name)) continue;
    if (closing) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (RAW_TEXT_ELEMENTS.has(name)) {
      const end = lower.indexOf(`</${name}`, TAG_OR_COMMENT.lastIndex);
      TAG_OR_COMMENT.lastIndex = end === -1 ? html.length : end;
    }
    if (match[3] === '/') continue; // self-closing (SVG, MathML)
    depth++;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

export function assertHtmlDepth(html: string, input: FileInput): void {
  const depth = htmlNestingDepth(html);
  if (depth > input.limits.maxHtmlDepth) {
    throw new InputError(
      input.displayPath,
      `elements are nested ${depth} levels deep (limit ${input.limits.maxHtmlDepth}); refusing a document built to stall the parser`,
    );
  }
}
