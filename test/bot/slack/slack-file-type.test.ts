import { describe, expect, it } from 'vitest';
import { nameWithSlackType } from '../../../bot/slack/slack-file-type.ts';

describe('nameWithSlackType', () => {
  it('gives a name without an extension the extension of the type Slack reports', () => {
    expect(nameWithSlackType('無題', 'text', 'text/plain')).toBe('無題.txt');
    expect(nameWithSlackType('Untitled', 'markdown', 'text/plain')).toBe('Untitled.md');
    expect(nameWithSlackType('deploy', 'python', 'text/plain')).toBe('deploy.py');
    expect(nameWithSlackType('report', 'pdf', 'application/pdf')).toBe('report.pdf');
  });

  it('falls back to the MIME type when Slack could not type the file, and leaves an unknown one alone', () => {
    expect(nameWithSlackType('notes', 'binary', 'text/markdown; charset=utf-8')).toBe('notes.md');
    expect(nameWithSlackType('blob', 'binary', 'application/octet-stream')).toBe('blob');
    expect(nameWithSlackType('blob', undefined, undefined)).toBe('blob');
  });

  it('keeps the extension the uploader gave', () => {
    expect(nameWithSlackType('tool.exe', 'text', 'text/plain')).toBe('tool.exe');
    expect(nameWithSlackType('guide.md', 'text', 'text/plain')).toBe('guide.md');
  });
});
