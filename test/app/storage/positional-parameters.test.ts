import { describe, expect, it } from 'vitest';
import { numberParameters } from '../../../app/storage/positional-parameters.ts';

// The stores' `?` parameters numbered for PostgreSQL, and only the ones that are parameters.

describe('numbering ? parameters for PostgreSQL', () => {
  it('numbers each parameter in order and counts them', () => {
    expect(numberParameters('SELECT * FROM t WHERE a = ? AND b IN (?, ?)')).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)',
      count: 3,
    });
    expect(numberParameters('SELECT 1')).toEqual({ text: 'SELECT 1', count: 0 });
  });

  it('leaves a ? in string literals, quoted identifiers, dollar quotes and comments alone', () => {
    const sql = [
      "SELECT 'is it?', 'it''s ?', E'back\\'slash ?', \"odd?name\" FROM t -- why?",
      'WHERE a = ? /* outer /* inner ? */ still ? */ AND b = $$ ? $$ AND c = $tag$ ?',
      ' $tag$ AND d = ?',
    ].join('\n');
    const { text, count } = numberParameters(sql);
    expect(count).toBe(2);
    expect(text).toBe(sql.replace('a = ?', 'a = $1').replace('d = ?', 'd = $2'));
  });

  it('keeps casts, identifiers with $ and an unterminated quote as they are', () => {
    expect(numberParameters('SELECT ?::bigint, a$b FROM t WHERE x = ?').text).toBe('SELECT $1::bigint, a$b FROM t WHERE x = $2');
    expect(numberParameters("SELECT ? || 'open ?")).toEqual({ text: "SELECT $1 || 'open ?", count: 1 });
  });
});
