import type { SourceDocument } from '../../rag/types.ts';
import { issueLocation, type RepoName } from './github-locations.ts';

/** The fields of a GitHub issue (or pull request) the index keeps, as the REST API returns them. */
export interface IssueRecord {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  html_url: string;
  created_at: string;
  updated_at: string;
  closed_at?: string | null;
  comments: number;
  user?: { login?: string } | null;
  labels?: Array<string | { name?: string | null }>;
  pull_request?: { merged_at?: string | null } | null;
}

export interface CommentRecord {
  user?: { login?: string } | null;
  body?: string | null;
  created_at: string;
}

/** Bounds a thread so one runaway discussion cannot dominate the index. */
export const MAX_ISSUE_TEXT_CHARS = 1_000_000;

/**
 * One issue or pull request with its conversation, as a Markdown document: the title as heading,
 * a line of facts (kind, state, author, labels), the description, then each comment under its own
 * heading so a chunk of the discussion keeps who said it and when.
 */
export function issueDocument(repo: RepoName, issue: IssueRecord, comments: CommentRecord[]): SourceDocument {
  const kind = issue.pull_request ? 'pull' : 'issue';
  const state = issue.pull_request?.merged_at ? 'merged' : issue.state;
  const labels = labelNames(issue.labels);
  const author = issue.user?.login ?? '';
  const title = `${issue.title.trim() || 'Untitled'} (#${issue.number})`;

  const facts = [
    `${kind === 'pull' ? 'Pull request' : 'Issue'} #${issue.number} in ${repo}`,
    state,
    author ? `opened by @${author} on ${day(issue.created_at)}` : `opened on ${day(issue.created_at)}`,
    labels.length > 0 ? `labels: ${labels.join(', ')}` : '',
  ].filter(Boolean);
  const parts = [`# ${title}`, facts.join(' · '), (issue.body ?? '').trim()];
  let length = parts.join('\n\n').length;
  let omitted = 0;
  for (const comment of comments) {
    const who = comment.user?.login ? `@${comment.user.login}` : 'a deleted user';
    const section = `## Comment by ${who} on ${day(comment.created_at)}\n\n${(comment.body ?? '').trim()}`;
    if (length + section.length > MAX_ISSUE_TEXT_CHARS) {
      omitted += 1;
      continue;
    }
    parts.push(section);
    length += section.length + 2;
  }
  if (omitted > 0) parts.push(`(${omitted} more comments not indexed: the thread is too long)`);
  const text = parts.filter(Boolean).join('\n\n');

  return {
    id: issueLocation(repo, issue.number),
    source: 'github',
    title,
    url: issue.html_url,
    format: 'markdown',
    extension: 'md',
    text,
    sizeBytes: Buffer.byteLength(text),
    modifiedAt: issue.updated_at,
    metadata: {
      repository: repo,
      kind,
      number: issue.number,
      state,
      author,
      labels: labels.join(','),
      createdAt: issue.created_at,
      comments: issue.comments,
    },
  };
}

function labelNames(labels: IssueRecord['labels']): string[] {
  return (labels ?? []).map((label) => (typeof label === 'string' ? label : (label.name ?? '')).replace(/,/g, ' ').trim()).filter(Boolean);
}

function day(iso: string): string {
  return iso.slice(0, 10);
}
