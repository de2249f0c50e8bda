import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../../connectors/files/load-file.ts';
import { expectInputError, fixture, makeTempDir } from './file-fixtures.ts';

describe('loading HTML files', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir();
  });
  afterAll(() => temp.remove());

  const page = async (name: string, html: string) => loadFile(await temp.write(name, html));

  it('titles a page without <title> by its own first heading, passing over a site banner that links home', async () => {
    const doc = await page(
      'banner.html',
      '<html><body><main><h1><a href="/">Acme Docs</a></h1><h1 class="site-title">Acme</h1><h2>Rotating API keys</h2><p>Keys rotate every 90 days.</p></main></body></html>',
    );
    expect(doc.title).toBe('Rotating API keys');
  });

  it('keeps the article as Markdown with headings, code fences and tables', async () => {
    const doc = await loadFile(fixture('page.html'));
    expect(doc.format).toBe('markdown');
    expect(doc.extension).toBe('html');
    expect(doc.text).toMatch(/^# Deploying the Widget Service$/m);
    expect(doc.text).toMatch(/^## Rolling back$/m);
    expect(doc.text).toContain('The widget service runs on **three replicas** behind the load balancer.');
    expect(doc.text).toContain('```bash\nwidgetctl rollback --to previous\n```');
    expect(doc.text).toContain('| Region | Replicas |\n| --- | --- |\n| eu-west | 3 |\n| us-east | 5 |');
  });

  it('removes navigation, header, footer, sidebar, forms, scripts, styles and hidden elements', async () => {
    const doc = await loadFile(fixture('page.html'));
    for (const boilerplate of [
      'HEADER-BOILERPLATE',
      'NAV-BOILERPLATE',
      'SIDEBAR-BOILERPLATE',
      'FOOTER-BOILERPLATE',
      'FORM-BOILERPLATE',
      'SCRIPT-SHOULD-NOT-APPEAR',
      'HIDDEN-ATTRIBUTE-TEXT',
      'HIDDEN-STYLE-TEXT',
      'font-family',
    ]) {
      expect(doc.text).not.toContain(boilerplate);
    }
  });

  it('keeps a page whose content sits inside a form wrapping the whole page', async () => {
    const doc = await page(
      'webforms.aspx.html',
      '<body><form action="/page.aspx"><nav>Menu</nav><h1>Leave Policy</h1><p>Ask your manager.</p>' +
        '<form action="/search"><input name="q"><button>Search BOILERPLATE</button></form></form></body>',
    );
    expect(doc.text).toBe('# Leave Policy\n\nAsk your manager.');
  });

  it('takes the title from <title>', async () => {
    const doc = await loadFile(fixture('page.html'));
    expect(doc.title).toBe('Deploying the Widget Service');
  });

  it("takes the page's own heading over a <title> that is only the site's name", async () => {
    const site = (head: string, banner: string) =>
      `<html><head><title>Acme Docs</title>${head}</head><body>${banner}<main><h1>Running on Bun</h1><p>Text.</p></main></body></html>`;
    expect((await page('bun.html', site('<meta property="og:site_name" content="Acme Docs">', ''))).title).toBe('Running on Bun');
    expect((await page('bun.html', site('', '<header><h1>Acme Docs</h1></header>'))).title).toBe('Running on Bun');
    expect((await page('bun.html', site('', '<h1><a href="/">Acme Docs</a></h1>'))).title).toBe('Running on Bun');
    // A <title> of its own stays, even when the heading says it differently.
    expect((await page('bun.html', site('', '').replace('Acme Docs', 'Bun guide'))).title).toBe('Bun guide');
  });

  it("takes the page's own heading over a placeholder <title> an editor left ('Untitled Document')", async () => {
    const doc = await page(
      'policy.html',
      '<html><head><title>Untitled Document</title></head><body><h1>Expense policy</h1><p>Text.</p></body></html>',
    );
    expect(doc.title).toBe('Expense policy');
  });

  it('takes the title from the first <h1> of the content when there is no <title>', async () => {
    const doc = await page(
      'no-title.html',
      '<html><body><header><h1>Site Name</h1></header><main><h1>Release Notes</h1><p>Version 2 is out.</p></main></body></html>',
    );
    expect(doc.title).toBe('Release Notes');
    expect(doc.text).toBe('# Release Notes\n\nVersion 2 is out.');
  });

  it('falls back to the file name for the title', async () => {
    const doc = await page('fragment.html', '<p>Just a paragraph.</p>');
    expect(doc.title).toBe('fragment.html');
    expect(doc.text).toBe('Just a paragraph.');
  });

  it('uses the whole body when there is no <main> or <article>, still without page chrome', async () => {
    const doc = await page(
      'plain.htm',
      '<body><header>Logo CHROME</header><h2>Install</h2><p>Run the installer.</p><footer>CHROME links</footer></body>',
    );
    expect(doc.text).toBe('## Install\n\nRun the installer.');
    expect(doc.extension).toBe('htm');
  });

  it('removes chrome that a page names by class or id instead of marking it with <nav>, <aside> or <footer>', async () => {
    const menu = Array.from({ length: 30 }, (_, i) => `<li><a href="/p${i}">Guide page ${i}</a></li>`).join('');
    const doc = await page(
      'div-soup.html',
      '<body><div class="VPSidebar"><ul>' +
        menu +
        '</ul></div><div class="sphinxsidebar">Quick search SIDEBAR</div><div id="cookie-banner">We use cookies CHROME</div>' +
        '<div class="content-with-sidebar"><h2>Install</h2><p>Run the installer, then restart the service and check the health endpoint.</p>' +
        '<p>The installer keeps your settings, so an upgrade needs no further steps from you or your team.</p>' +
        '<pre><code><span class="token comment">// KEPT comment</span>\nrun()</code></pre>' +
        '<ul class="share-buttons"><li>Share on X CHROME</li></ul></div>' +
        '<nav-like class="x"></nav-like><div class="pagination-nav"><a href="/prev">Previous CHROME</a></div>' +
        '<div class="theme-doc-footer">Edit this page CHROME</div><div class="downloads">Downloads KEPT</div>' +
        '<div id="main-nav"><a href="/">Home CHROME</a></div><div class="post-footer">Tagged CHROME</div></body>',
    );
    expect(doc.text).toContain('Run the installer, then restart the service');
    expect(doc.text).toContain('// KEPT comment');
    expect(doc.text).toContain('Downloads KEPT');
    expect(doc.text).not.toMatch(/Guide page|SIDEBAR|CHROME/);
  });

  it('keeps a page whose only text sits in boxes named like chrome', async () => {
    const doc = await page(
      'all-sidebar.html',
      '<body><div class="layout has-sidebar"><a href="/a">Getting started guide</a> <a href="/b">Configuration reference</a> ' +
        '<a href="/c">Deployment handbook</a><p>Rotate keys every 90 days.</p></div></body>',
    );
    expect(doc.text).toContain('Rotate keys every 90 days.');
  });

  it('keeps the header of an article, which belongs to its content', async () => {
    const doc = await page('post.html', '<body><article><header><h1>Post Title</h1><p>By Ana</p></header><p>Body text.</p></article></body>');
    expect(doc.text).toBe('# Post Title\n\nBy Ana\n\nBody text.');
  });

  it('drops javascript: links and image payloads, keeping their words', async () => {
    const doc = await page(
      'links.html',
      '<p><a href="javascript:alert(1)">Click here</a> and <a href="https://example.org/doc">read the doc</a>.</p>' +
        '<p><img alt="Architecture diagram" src="data:image/png;base64,AAAA"></p>',
    );
    expect(doc.text).toBe('Click here and [read the doc](https://example.org/doc).\n\nArchitecture diagram');
  });

  it('refuses HTML nested deeper than the limit before parsing it', async () => {
    const depth = 100_000; // parse5 alone would need over a minute for this page, and turndown would overflow the stack
    await expectInputError(
      page('deep.html', `${'<div>'.repeat(depth)}bottom${'</div>'.repeat(depth)}`),
      'deep.html',
      /^elements are nested 100000 levels deep \(limit 512\)/,
    );
  });

  it('converts HTML nested right up to the limit', async () => {
    const doc = await page('deep-ok.html', `${'<div>'.repeat(500)}<p>bottom</p>${'</div>'.repeat(500)}`);
    expect(doc.text).toBe('bottom');
  });

  it('refuses an HTML page that has no text once boilerplate is removed', async () => {
    await expectInputError(
      page('chrome-only.html', '<body><nav>Home</nav><footer>(c) Acme</footer><script>x()</script></body>'),
      'chrome-only.html',
      /^file is empty \(no text after extraction\)$/,
    );
  });
});
