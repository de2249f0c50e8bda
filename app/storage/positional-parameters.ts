// The stores write parameters as `?` (rag/contracts/sql-database.ts says why); PostgreSQL numbers them. This turns
// each `?` of a statement into `$1, $2, …`, leaving alone a `?` inside a string literal ('…', E'…'), a quoted
// identifier ("…"), a dollar-quoted string ($$…$$, $tag$…$tag$) or a comment (-- …, /* … */, nested).

export interface NumberedStatement {
  text: string;
  /** How many parameters the statement takes. */
  count: number;
}

const DOLLAR_TAG = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;
const IDENTIFIER_CHAR = /[A-Za-z0-9_$]/;

// Statements are literal SQL at their call sites, so the set is bounded; the cap only guards against a caller that
// builds statement text from data.
const MAX_REMEMBERED = 2_000;
const remembered = new Map<string, NumberedStatement>();

export function numberParameters(sql: string): NumberedStatement {
  let known = remembered.get(sql);
  if (!known) {
    known = scan(sql);
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(sql, known);
  }
  return known;
}

function scan(sql: string): NumberedStatement {
  let text = '';
  let count = 0;
  let i = 0;
  const copyTo = (end: number) => {
    text += sql.slice(i, end);
    i = end;
  };
  while (i < sql.length) {
    const char = sql[i]!;
    const next = sql[i + 1];
    if (char === '?') {
      text += `$${++count}`;
      i += 1;
    } else if (char === "'") {
      const escapes = /[Ee]/.test(sql[i - 1] ?? '') && !IDENTIFIER_CHAR.test(sql[i - 2] ?? '');
      copyTo(endOfQuoted(sql, i, "'", escapes));
    } else if (char === '"') {
      copyTo(endOfQuoted(sql, i, '"', false));
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      copyTo(end === -1 ? sql.length : end);
    } else if (char === '/' && next === '*') {
      copyTo(endOfBlockComment(sql, i));
    } else if (char === '$' && !IDENTIFIER_CHAR.test(sql[i - 1] ?? '')) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql)?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        copyTo(close === -1 ? sql.length : close + tag.length);
      } else {
        copyTo(i + 1);
      }
    } else {
      copyTo(i + 1);
    }
  }
  return { text, count };
}

/** Where a quoted string or identifier that opens at `start` ends (past its closing quote; a doubled quote is inside). */
function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (backslashEscapes && sql[i] === '\\') i += 1;
    else if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 1;
    }
  }
  return sql.length;
}

/** Where a block comment that opens at `start` ends; PostgreSQL's block comments nest. */
function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  for (let i = start; i < sql.length - 1; i++) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth += 1;
      i += 1;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 1;
      if (depth === 0) return i + 1;
    }
  }
  return sql.length;
}
