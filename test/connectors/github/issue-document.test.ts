import { describe, expect, it } from 'vitest';
import { issueDocument, MAX_ISSUE_TEXT_CHARS, type IssueRecord } from '../../../connectors/github/issue-document.ts';

const ISSUE: IssueRecord = {
  number: 42,
  title: '  Crash on, startup ',
  body: 'It crashes.\r\n',
  state: 'closed',
  html_url: 'https://github.com/acme/app/pull/42',
  created_at: '2024-05-01T08:00:00Z',
  updated_at: '2024-05-03T09:30:00Z',
  comments: 2,
  user: { login: 'alice' },
  labels: ['bug', { name: 'needs, triage' }, { name: null }],
  pull_request: { merged_at: '2024-05-03T09:30:00Z' },
};

describe('an issue or pull request as a document', () => {
  it('keeps the facts a reader and a filter need', () => {
    const doc = issueDocument('acme/app', ISSUE, [
      { user: { login: 'bob' }, body: 'Same here.', created_at: '2024-05-02T10:00:00Z' },
      { user: null, body: null, created_at: '2024-05-02T11:00:00Z' },
    ]);
    expect(doc).toMatchObject({
      id: 'github:acme/app/issues/42',
      source: 'github',
      title: 'Crash on, startup (#42)',
      url: 'https://github.com/acme/app/pull/42',
      format: 'markdown',
      modifiedAt: '2024-05-03T09:30:00Z',
      metadata: {
        repository: 'acme/app',
        kind: 'pull',
        number: 42,
        state: 'merged',
        author: 'alice',
        labels: 'bug,needs  triage',
        createdAt: '2024-05-01T08:00:00Z',
      },
    });
    expect(doc.text).toBe(
      [
        '# Crash on, startup (#42)',
        'Pull request #42 in acme/app · merged · opened by @alice on 2024-05-01 · labels: bug, needs  triage',
        'It crashes.',
        '## Comment by @bob on 2024-05-02\n\nSame here.',
        '## Comment by a deleted user on 2024-05-02\n\n',
      ].join('\n\n'),
    );
    expect(doc.sizeBytes).toBe(Buffer.byteLength(doc.text));
  });

  it('bounds a runaway thread and says how much was left out', () => {
    const huge = 'x'.repeat(400_000);
    const comments = Array.from({ length: 5 }, () => ({ user: { login: 'bot' }, body: huge, created_at: '2024-05-02T10:00:00Z' }));
    const doc = issueDocument('acme/app', { ...ISSUE, pull_request: null, body: null, labels: [] }, comments);
    expect(doc.text.length).toBeLessThanOrEqual(MAX_ISSUE_TEXT_CHARS + 200);
    expect(doc.text).toMatch(/\(3 more comments not indexed: the thread is too long\)$/);
    expect(doc.metadata).toMatchObject({ kind: 'issue', state: 'closed', labels: '' });
  });
});
