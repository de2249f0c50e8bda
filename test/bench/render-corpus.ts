// Renders a Markdown question set's corpus in another format, so `lore bench answers` can tell how far its figures
// carry to documents that come as a website's pages or as plain text (a text export, a PDF's words):
//
//   npx tsx test/bench/render-corpus.ts --format html --out /tmp/rdd-html
//   node bin/lore.js bench answers --corpus /tmp/rdd-html/corpus --questions /tmp/rdd-html/questions.jsonl --near-misses
//
// HTML pages carry what a site wraps every page in: a <title> with the site's name, a banner, navigation, a sidebar
// and a footer. Plain text keeps no markup at all: headings are bare lines, lists start with "*", table cells are
// separated by tabs, code loses its fences and paragraphs are wrapped at 80 columns. PDFs are those HTML pages
// printed by Chromium (Debian's package, or CHROMIUM_PATH) with its date, title, address and page numbers in the
// margins, as a browser's "Save as PDF" makes them; the browser fetches nothing. The question file is copied with
// its gold paths renamed.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { load } from 'cheerio';
import { marked } from 'marked';
import { chromium } from 'playwright-core';

type Format = 'html' | 'text' | 'pdf';
const EXTENSIONS: Record<Format, string> = { html: '.html', text: '.txt', pdf: '.pdf' };

const { values } = parseArgs({
  options: {
    format: { type: 'string', default: 'html' },
    corpus: { type: 'string', default: 'datasets/real-docs-dev/corpus' },
    questions: { type: 'string', default: 'datasets/real-docs-dev/questions.jsonl' },
    out: { type: 'string' },
  },
});
const format = values.format as Format;
if (!Object.hasOwn(EXTENSIONS, format) || !values.out) {
  console.error('usage: render-corpus.ts --format html|text|pdf --out DIR [--corpus DIR] [--questions FILE]');
  process.exit(2);
}
const extension = EXTENSIONS[format];

function* markdownFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* markdownFiles(path);
    else if (/\.mdx?$/.test(name)) yield path;
  }
}

function frontMatter(markdown: string): { title: string; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
  if (!match) return { title: '', body: markdown };
  const title = /^title:\s*["']?(.*?)["']?\s*$/m.exec(match[1] ?? '')?.[1] ?? '';
  return { title, body: markdown.slice(match[0].length) };
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function asPage(site: string, title: string, body: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title ? `${title} | ${site}` : site)}</title></head>
<body>
<header><a href="/"><h1>${escapeHtml(site)}</h1></a><nav><ul><li><a href="/docs">Docs</a></li><li><a href="/guides">Guides</a></li></ul></nav></header>
<div class="layout"><aside><ul><li><a href="/start">Getting started</a></li><li><a href="/policies">Policies</a></li></ul></aside>
<main><article>${marked.parse(body) as string}</article></main></div>
<footer><p>© ${escapeHtml(site)}. Edit this page. Was this page helpful? Yes No</p></footer>
</body></html>
`;
}

const wrap = (text: string): string => text.replace(/(.{1,79})(?:\s+|$)/g, '$1\n').trim();

function asText(body: string): string {
  const $ = load(marked.parse(body) as string);
  const blocks: string[] = [];
  $('h1, h2, h3, h4, h5, h6, p, li, pre, table').each((_, element) => {
    const node = $(element);
    const tag = element.tagName.toLowerCase();
    if ((tag === 'p' || tag === 'pre' || tag === 'table') && node.parents('li, table').length > 0) return;
    const cells = (row: typeof node) =>
      row
        .find('th, td')
        .toArray()
        .map((cell) => $(cell).text().replace(/\s+/g, ' ').trim())
        .join('\t');
    const text =
      tag === 'pre'
        ? node.text().trimEnd()
        : tag === 'table'
          ? node
              .find('tr')
              .toArray()
              .map((row) => cells($(row)))
              .join('\n')
          : node.text().replace(/\s+/g, ' ').trim();
    if (text === '') return;
    blocks.push(tag === 'li' ? `* ${text}` : tag === 'p' ? wrap(text) : text);
  });
  return `${blocks.join('\n\n')}\n`;
}

// What Chrome's "Save as PDF" prints around a page by default.
const marginLine = (left: string, right: string) =>
  `<div style="font-size:8px;width:100%;margin:0 0.4in;display:flex;justify-content:space-between">${left}${right}</div>`;
const PRINT_HEADER = marginLine('<span class="date"></span>', '<span class="title"></span>');
const PRINT_FOOTER = marginLine('<span class="url"></span>', '<span><span class="pageNumber"></span>/<span class="totalPages"></span></span>');
const PRINT_MARGIN = { top: '0.4in', bottom: '0.4in', left: '0.4in', right: '0.4in' };

const corpus = values.corpus as string;
const out = values.out as string;
// Run as root, Chromium refuses its sandbox.
const browser =
  format === 'pdf' ? await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] }) : undefined;
const tab = await browser?.newPage();
await tab?.route('**/*', (route) => route.abort());
let count = 0;
for (const path of markdownFiles(corpus)) {
  const { title, body } = frontMatter(readFileSync(path, 'utf8'));
  const site = relative(corpus, path).split('/')[0] ?? 'Docs';
  const target = join(out, 'corpus', relative(corpus, path)).replace(/\.mdx?$/, extension);
  mkdirSync(dirname(target), { recursive: true });
  if (tab) {
    await tab.setContent(asPage(site, title, body));
    await tab.pdf({
      path: target,
      format: 'Letter',
      displayHeaderFooter: true,
      headerTemplate: PRINT_HEADER,
      footerTemplate: PRINT_FOOTER,
      margin: PRINT_MARGIN,
    });
  } else {
    writeFileSync(target, format === 'html' ? asPage(site, title, body) : asText(body));
  }
  count++;
}
await browser?.close();
const questions = readFileSync(values.questions as string, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const question = JSON.parse(line) as { gold?: string[] };
    return JSON.stringify({ ...question, gold: (question.gold ?? []).map((gold) => gold.replace(/\.mdx?$/, extension)) });
  });
writeFileSync(join(out, 'questions.jsonl'), `${questions.join('\n')}\n`);
console.log(`${count} documents rendered as ${format} in ${join(out, 'corpus')}; questions in ${join(out, 'questions.jsonl')}`);
