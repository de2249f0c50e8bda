import { load, type CheerioAPI } from 'cheerio';
import type { SourceDocument } from '../../rag/types.ts';
import { decodeText } from './decode-text.ts';
import { assertContentMatches } from './detect-format.ts';
import { cleanTitle, fileDocument, fileNameTitle, ownTitle, type FileInput } from './file-document.ts';
import { assertHtmlDepth } from './html-nesting-depth.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';

/**
 * A saved web page: only the readable content is kept. Menus, banners, footers, sidebars, forms and
 * anything hidden repeat on every page of a site; indexed, they would match every question equally
 * and crowd real answers out of the context window.
 */
export async function loadHtml(input: FileInput): Promise<SourceDocument> {
  assertContentMatches(input.format, input.bytes, input.displayPath);
  const html = decodeText(input.bytes, input.displayPath);
  assertHtmlDepth(html, input);
  const $ = load(html);
  const pageTitle = ownTitle($('head > title').first().text());
  const site = siteNames($);
  removeBoilerplate($);
  const content = contentRoot($);
  // A <title> that is only the site's name ("Acme Docs" on every page) tells no page apart: the page's own heading
  // does.
  const title =
    (pageTitle !== undefined && !site.has(pageTitle.toLowerCase()) ? pageTitle : undefined) ??
    firstMeaningfulHeading($, content) ??
    fileNameTitle(input);
  const contentHtml = content
    .toArray()
    .map((element) => $(element).html() ?? '')
    .join('\n');
  return fileDocument(input, { title, text: htmlToMarkdown(contentHtml), format: 'markdown' });
}

const NEVER_CONTENT = [
  'head',
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'object',
  'embed',
  'svg',
  'canvas',
  'nav',
  'aside',
  'button',
  'input',
  'select',
  'textarea',
  'dialog',
  '[hidden]',
  '[aria-hidden="true"]',
  '[role="navigation"]',
  '[role="banner"]',
  '[role="contentinfo"]',
  '[role="complementary"]',
  '[role="search"]',
].join(', ');

/** Sectioning elements that turn a <header>/<footer> into part of their content rather than the page's chrome. */
const SECTIONING = 'article, aside, main, nav, section, [role="main"]';

const HIDDEN_BY_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)/i;

function removeBoilerplate($: CheerioAPI): void {
  $(NEVER_CONTENT).remove();
  // Search boxes and sign-up forms go, but not a form wrapping the whole page (ASP.NET WebForms does that).
  $('form')
    .filter((_, element) => $(element).find('main, article, [role="main"], h1').length === 0)
    .remove();
  // Same rule browsers use to decide a <header> is the site banner: it is not inside a sectioning element.
  $('header, footer')
    .filter((_, element) => $(element).parents(SECTIONING).length === 0)
    .remove();
  $('[style]')
    .filter((_, element) => HIDDEN_BY_STYLE.test($(element).attr('style') ?? ''))
    .remove();
  removeNamedChrome($);
}

/**
 * Words a page's class or id names give to its chrome when it does not use the elements made for it: Docusaurus'
 * `theme-doc-sidebar-container` and `pagination-nav`, VitePress' `VPSidebar`, Sphinx's `sphinxsidebar` and `related`
 * bar, MkDocs' `md-footer`, a blog's `cookie-banner`, `share-buttons` and `comments`. Never "header", which also
 * names the box that holds a page's own title.
 */
const CHROME_WORDS = new Set(
  (
    'sidebar sidenav navbar nav navigation menu breadcrumb breadcrumbs footer masthead banner cookie cookies consent gdpr ' +
    'newsletter subscribe social share sharing related pagination pager prevnext toc skip feedback comment comments ' +
    'disqus ads advert advertisement sponsor sponsored promo popup modal'
  ).split(' '),
);
/** Containers that can be chrome (not a `<span class="token comment">` in highlighted code). */
const CHROME_CONTAINERS = 'div, section, ul, ol, p, a, table';
/**
 * A box named like chrome may still hold the page ("content-with-sidebar", "layout has-sidebar"). It goes when it is
 * mostly links, as a menu is, or a small part of the page's text; never when it holds the page's heading or prose (two
 * paragraphs of a dozen words or more), which chrome does not have.
 */
const MIN_MENU_LINK_SHARE = 0.5;
const MAX_CHROME_SHARE = 0.4;
const PROSE_WORDS = 12;

function removeNamedChrome($: CheerioAPI): void {
  const pageChars = $('body').text().length || 1;
  const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
  const chrome = $(CHROME_CONTAINERS).filter((_, element) => {
    const box = $(element);
    if (!nameWords(`${box.attr('class') ?? ''} ${box.attr('id') ?? ''}`).some(namesChrome)) return false;
    if (box.closest('pre, code').length > 0 || box.find('main, article, [role="main"], h1').length > 0) return false;
    const paragraphs = box.find('p').filter((_, p) => words($(p).text()) >= PROSE_WORDS && $(p).find('a').text().length < $(p).text().length / 2);
    if (paragraphs.length >= 2) return false;
    const chars = box.text().length;
    return box.find('a').text().length >= MIN_MENU_LINK_SHARE * chars || chars <= MAX_CHROME_SHARE * pageChars;
  });
  // Names are a guess: when they would leave the page without text, the page's author meant something else by them.
  const outermost = chrome.filter(
    (_, element) =>
      $(element)
        .parents()
        .filter((__, parent) => chrome.is(parent)).length === 0,
  );
  const left = words($('body').text()) - outermost.toArray().reduce((sum, element) => sum + words($(element).text()), 0);
  if (left >= PROSE_WORDS) outermost.remove();
}

/** Chrome words long enough to be told inside a run-together name ("sphinxsidebar"; not "ads" in "downloads"). */
const LONG_CHROME_WORDS = [...CHROME_WORDS].filter((chrome) => chrome.length >= 6);

function namesChrome(word: string): boolean {
  return CHROME_WORDS.has(word) || LONG_CHROME_WORDS.some((chrome) => word.endsWith(chrome));
}

/** "VPSidebar theme-doc-sidebar-container md-nav__link prev_next table-of-contents" → vp, sidebar, …, prevnext, toc. */
function nameWords(names: string): string[] {
  return names
    .replace(/\b(prev)[-_]?(next)\b/gi, '$1$2')
    .replace(/\btable[-_]of[-_]contents\b/gi, 'toc')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
}

/** A heading that links home or is styled as the site's brand: the site's banner, not the page's heading. */
function isBanner($: CheerioAPI, heading: ReturnType<CheerioAPI>): boolean {
  const home = heading.find('a').filter((_, a) => /^(?:\/|\.\/|index\.html?|#)?$/i.test(($(a).attr('href') ?? '').trim())).length > 0;
  const branded = /\b(?:logo|brand|site-?(?:title|name))\b/i.test(`${heading.attr('class') ?? ''} ${heading.attr('id') ?? ''}`);
  return home || branded;
}

/**
 * The page's own first heading. Many docs sites open every page with the same `<h1>`: the site's name or logo,
 * linking home. That banner tells no page apart, so it is passed over for the next heading.
 */
function firstMeaningfulHeading($: CheerioAPI, content: ReturnType<typeof contentRoot>): string | undefined {
  for (const element of content.find('h1, h2').toArray()) {
    const text = cleanTitle($(element).text());
    if (!text || isBanner($, $(element))) continue;
    return text;
  }
  return undefined;
}

/** The site's name, as the page declares it or shows it in its banner (a heading that links home, or is branded). */
function siteNames($: CheerioAPI): Set<string> {
  const names = [
    $('meta[property="og:site_name"]').attr('content'),
    $('meta[name="application-name"]').attr('content'),
    ...$('h1, h2')
      .toArray()
      .filter((element) => isBanner($, $(element)) || $(element).parents('header').length > 0)
      .map((element) => $(element).text()),
  ];
  return new Set(names.map((name) => cleanTitle(name)?.toLowerCase()).filter((name): name is string => name !== undefined));
}

/** The page's own declaration of where its content is beats any guess; the whole body is the fallback. */
function contentRoot($: CheerioAPI) {
  const main = $('main, [role="main"]').first();
  if (main.length > 0) return main;
  const articles = $('article').filter((_, element) => $(element).parents('article').length === 0);
  if (articles.length > 0) return articles;
  return $('body');
}
