import TurndownService from 'turndown';

/**
 * HTML (web pages, and DOCX through mammoth) to Markdown, so the chunker sees real heading structure:
 * ATX `#` headings, fenced code, `-` bullets, GitHub-style pipe tables. Images keep only their alt
 * text: a data: URI or a relative src is noise to a reader and to an embedding.
 */
export function htmlToMarkdown(html: string): string {
  return service()
    .turndown(html)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

let shared: TurndownService | undefined;

function service(): TurndownService {
  shared ??= createService();
  return shared;
}

const UNSAFE_LINK = /^\s*(javascript|vbscript|data):/i;

function createService(): TurndownService {
  const turndown = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    fence: '```',
    bulletListMarker: '-',
    emDelimiter: '_',
    strongDelimiter: '**',
    hr: '---',
  });

  turndown.addRule('image-alt-text', {
    filter: 'img',
    replacement: (_content, node) => {
      const alt = node.getAttribute('alt')?.replace(/\s+/g, ' ').trim();
      return alt ? alt : '';
    },
  });

  // A link that runs code or embeds a payload is kept as its words: copied into an answer it would be a trap.
  turndown.addRule('unsafe-link-text', {
    filter: (node) => node.nodeName === 'A' && UNSAFE_LINK.test(node.getAttribute('href') ?? ''),
    replacement: (content) => content,
  });

  turndown.addRule('table-cell', {
    filter: ['th', 'td'],
    replacement: (content) =>
      ` ${content
        .replace(/\s*\n+\s*/g, ' ')
        .replace(/\|/g, '\\|')
        .trim()} |`,
  });
  turndown.addRule('table-row', {
    filter: 'tr',
    replacement: (content) => `\n|${content}`,
  });
  turndown.addRule('table-section', {
    filter: ['thead', 'tbody', 'tfoot'],
    replacement: (content) => content,
  });
  turndown.addRule('table', {
    filter: 'table',
    replacement: (content) => `\n\n${pipeTable(content)}\n\n`,
  });

  return turndown;
}

/** Rows arrive as `| a | b |` lines; GitHub tables need a separator under the first one. */
function pipeTable(rows: string): string {
  const lines = rows.split('\n').filter((line) => line.trim() !== '');
  const tableLines = lines.filter((line) => line.startsWith('|'));
  const otherLines = lines.filter((line) => !line.startsWith('|'));
  const [header, ...body] = tableLines;
  if (header === undefined) return otherLines.join('\n');
  const columns = Math.max(1, (header.match(/(?<!\\)\|/g)?.length ?? 2) - 1);
  const separator = `|${' --- |'.repeat(columns)}`;
  return [...otherLines, header, separator, ...body].join('\n');
}
