import type { CodeDeclaration } from './code-declaration.ts';

interface Line {
  /** Including its newline. */
  text: string;
  indent: number;
  blank: boolean;
  comment: boolean;
  /** Begins a logical line: not inside brackets, a triple-quoted string or a backslash continuation. */
  startsStatement: boolean;
}

interface Start {
  /** First line of the block: decorators and comments directly above the statement included. */
  from: number;
  /** The statement's own line. */
  line: number;
}

const DEFINITION = /^(?:async[ \t]+def|def|class)[ \t]+([A-Za-z_]\w*)/;

/**
 * Top-level blocks of a Python file by indentation: `def`/`class` blocks with their decorators and
 * the comments directly above them; imports, the module docstring and loose statements form
 * unlabelled groups. Classes list their methods so a big class can be cut between them.
 */
export function pythonDeclarations(text: string): CodeDeclaration[] {
  const lines = scanLines(text);
  const starts = statementStarts(lines, 0, lines.length, 0, false);
  const declarations: CodeDeclaration[] = [];
  let loose = slice(lines, 0, starts[0]?.from ?? lines.length);
  starts.forEach((start, index) => {
    const end = starts[index + 1]?.from ?? lines.length;
    const source = slice(lines, start.from, end);
    const name = DEFINITION.exec(lines[start.line]?.text.trimStart() ?? '');
    if (name === null) {
      loose += source;
      return;
    }
    if (loose.trim().length > 0) declarations.push({ text: loose });
    loose = '';
    const isClass = name[0].startsWith('class');
    const label = `${isClass ? 'class' : 'function'} ${name[1]}`;
    const members = isClass ? classMembers(lines, start, end) : undefined;
    declarations.push(members === undefined ? { text: source, label } : { text: source, label, members });
  });
  if (loose.trim().length > 0) declarations.push({ text: loose });
  return declarations;
}

function classMembers(lines: readonly Line[], start: Start, end: number): CodeDeclaration[] | undefined {
  let bodyIndent = -1;
  for (let i = start.line + 1; i < end; i++) {
    const line = lines[i];
    if (line?.startsStatement && !line.blank && !line.comment && line.indent > 0) {
      bodyIndent = line.indent;
      break;
    }
  }
  if (bodyIndent < 0) return undefined;
  const methods = statementStarts(lines, start.line + 1, end, bodyIndent, true);
  const first = methods[0];
  if (first === undefined) return undefined;
  const members: CodeDeclaration[] = [{ text: slice(lines, start.from, first.from) }];
  methods.forEach((method, index) => {
    const name = DEFINITION.exec(lines[method.line]?.text.trimStart() ?? '');
    const label = name === null ? undefined : `${name[0].startsWith('class') ? 'class' : 'method'} ${name[1]}`;
    const source = slice(lines, method.from, methods[index + 1]?.from ?? end);
    members.push(label === undefined ? { text: source } : { text: source, label });
  });
  return members;
}

/**
 * Statements at exactly `indent` between lines `from` and `to`, each widened upwards over its
 * decorators and directly preceding comments. With `definitionsOnly`, other statements stay inside
 * the block before them (class attributes belong to the member above or the class header).
 */
function statementStarts(lines: readonly Line[], from: number, to: number, indent: number, definitionsOnly: boolean): Start[] {
  const starts: Start[] = [];
  for (let i = from; i < to; i++) {
    const line = lines[i];
    if (line === undefined || !line.startsStatement || line.blank || line.comment || line.indent !== indent) continue;
    const code = line.text.trimStart();
    if (code.startsWith('@')) continue;
    if (definitionsOnly && !DEFINITION.test(code)) continue;
    starts.push({ from: attachedStart(lines, i, indent, starts.at(-1)?.line ?? from - 1), line: i });
  }
  return starts;
}

function attachedStart(lines: readonly Line[], line: number, indent: number, floor: number): number {
  let start = line;
  for (let i = line - 1; i > floor; i--) {
    const above = lines[i];
    if (above === undefined || above.blank) break;
    if (above.comment && above.indent === indent) {
      start = i;
      continue;
    }
    if (above.startsStatement) {
      if (above.indent === indent && above.text.trimStart().startsWith('@')) {
        start = i;
        continue;
      }
      break;
    }
    // A continuation line, such as the arguments of a multi-line decorator: keep looking upwards.
  }
  return start;
}

function slice(lines: readonly Line[], from: number, to: number): string {
  return lines
    .slice(from, to)
    .map((line) => line.text)
    .join('');
}

/** Just enough of Python's lexical rules to know where logical lines begin. */
function scanLines(text: string): Line[] {
  const lines: Line[] = [];
  let openString: string | undefined;
  let depth = 0;
  let continued = false;
  for (const raw of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    const trimmed = raw.trim();
    const startsStatement = openString === undefined && depth === 0 && !continued;
    lines.push({
      text: raw,
      indent: raw.length - raw.trimStart().length,
      blank: trimmed.length === 0,
      comment: startsStatement && trimmed.startsWith('#'),
      startsStatement,
    });
    let i = 0;
    let inComment = false;
    while (i < raw.length) {
      if (openString !== undefined) {
        const close = raw.indexOf(openString, i);
        if (close < 0) break;
        i = close + openString.length;
        openString = undefined;
        continue;
      }
      const char = raw[i] ?? '';
      if (char === '#') {
        inComment = true;
        break;
      }
      if (char === '"' || char === "'") {
        const triple = char.repeat(3);
        if (raw.startsWith(triple, i)) {
          openString = triple;
          i += 3;
          continue;
        }
        let j = i + 1;
        while (j < raw.length && raw[j] !== char && raw[j] !== '\n') j += raw[j] === '\\' ? 2 : 1;
        i = j + 1;
        continue;
      }
      if (char === '(' || char === '[' || char === '{') depth++;
      else if (char === ')' || char === ']' || char === '}') depth = Math.max(0, depth - 1);
      i++;
    }
    continued = openString === undefined && !inComment && raw.trimEnd().endsWith('\\');
  }
  return lines;
}
