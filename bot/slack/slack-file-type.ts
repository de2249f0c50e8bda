import path from 'node:path';
import { extensionForMimeType } from '../conversation/file-type-extension.ts';

// Slack names a file as its uploader did, and a snippet or a pasted text often has no extension at all ("無題",
// "Untitled"), while Slack says what it is in `filetype` (its own vocabulary: `text`, `markdown`, `python`) and
// `mimetype`. Lore judges files by their extension, so a name without one gets the extension of the type Slack
// reports; a name that has one keeps it (the uploader's word is more specific than Slack's guess).

/** Slack `filetype`s whose usual extension is not the type's own name. */
const EXTENSION_BY_FILETYPE: Readonly<Record<string, string>> = {
  text: 'txt',
  markdown: 'md',
  post: 'md',
  javascript: 'js',
  typescript: 'ts',
  python: 'py',
  shell: 'sh',
  ruby: 'rb',
  rust: 'rs',
  kotlin: 'kt',
  csharp: 'cs',
  golang: 'go',
  perl: 'pl',
  yaml: 'yaml',
};

/** Slack's catch-all types: they say nothing about the content. */
const UNTYPED = new Set(['binary', 'auto', 'space', 'quip', '']);

export function nameWithSlackType(name: string, filetype?: string, mimeType?: string): string {
  if (path.extname(name) !== '') return name;
  const type = filetype?.toLowerCase() ?? '';
  const extension = UNTYPED.has(type) ? extensionForMimeType(mimeType) : (EXTENSION_BY_FILETYPE[type] ?? type);
  return extension ? `${name}.${extension}` : name;
}
