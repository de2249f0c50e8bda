import { describe, expect, it } from 'vitest';
import { conditionalHeaders, readPageStates, writePageStates } from '../../../connectors/web/web-cursor.ts';

// What the web source remembers between syncs. Cursors stored before the fields had names (f, e, m) must still be
// read: otherwise an existing install would fetch every page unconditionally on its next sync.

describe('the web cursor', () => {
  it('writes each page under its URL with named fields, and reads them back', () => {
    const states = new Map([
      ['https://docs.example.com/a', { fingerprint: 'sha256:aa', etag: '"v1"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' }],
      ['https://docs.example.com/b', { fingerprint: 'sha256:bb' }],
    ]);
    const cursor = writePageStates(states);
    expect(cursor).toEqual({
      'page:https://docs.example.com/a': JSON.stringify({ fingerprint: 'sha256:aa', etag: '"v1"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' }),
      'page:https://docs.example.com/b': JSON.stringify({ fingerprint: 'sha256:bb' }),
    });
    expect(readPageStates(cursor)).toEqual(states);
  });

  it('reads a cursor stored under the old one-letter names', () => {
    const cursor = {
      'page:https://docs.example.com/a': JSON.stringify({ f: 'sha256:aa', e: '"v1"', m: 'Mon, 01 Jan 2024 00:00:00 GMT' }),
      'page:https://docs.example.com/b': JSON.stringify({ f: 'sha256:bb' }),
    };
    expect(readPageStates(cursor)).toEqual(
      new Map([
        ['https://docs.example.com/a', { fingerprint: 'sha256:aa', etag: '"v1"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' }],
        ['https://docs.example.com/b', { fingerprint: 'sha256:bb' }],
      ]),
    );
  });

  it('skips damaged entries and keys of no page, which only cost an unconditional fetch', () => {
    const cursor = {
      'page:https://docs.example.com/broken': '{not json',
      'page:https://docs.example.com/no-fingerprint': JSON.stringify({ etag: '"v1"' }),
      'page:https://docs.example.com/null': 'null',
      'page:https://docs.example.com/wrong-type': JSON.stringify({ fingerprint: 42, f: 'sha256:old' }),
      other: JSON.stringify({ fingerprint: 'sha256:aa' }),
      'page:https://docs.example.com/ok': JSON.stringify({ fingerprint: 'sha256:ok', etag: 7 }),
    };
    expect(readPageStates(cursor)).toEqual(new Map([['https://docs.example.com/ok', { fingerprint: 'sha256:ok' }]]));
  });

  it('turns a stored state into the headers of a conditional GET', () => {
    expect(conditionalHeaders(undefined)).toEqual({});
    expect(conditionalHeaders({ fingerprint: 'sha256:aa' })).toEqual({});
    expect(conditionalHeaders({ fingerprint: 'sha256:aa', etag: '"v1"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' })).toEqual({
      'if-none-match': '"v1"',
      'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT',
    });
  });
});
