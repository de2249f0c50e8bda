import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/config.ts';
import { createAnswerService } from '../../../app/create-answer-service.ts';
import { createHttpServer, listenOnConfiguredHost } from '../../../app/http/create-server.ts';
import { PLAYGROUND_CSP } from '../../../app/http/routes/playground.ts';
import type { GapReport } from '../../../app/report/gap-report.ts';
import { chromiumProgram, launchChromium, watchPage } from '../../helpers/chromium.ts';
import { QueryLogSeeder } from '../../helpers/seed-query-log.ts';
import { openSecurityFixture, type SecurityFixture } from '../../security/security-fixture.ts';

// The knowledge-gap report as `lore start` serves it: the real server over a real runtime, its query log and
// feedback seeded through the real stores. The page and its JSON open only to an admin key (never a query key,
// never without one, even on loopback), a browser fetching them for another site's page is refused, and the page
// draws its charts in real Chromium under the playground's Content-Security-Policy.

const ADMIN_KEY = 'admin-key-0123456789';
const QUERY_KEY = 'query-key-0123456789';
const DAY_MS = 24 * 60 * 60 * 1000;
const day = (offset: number) => new Date(Date.now() - offset * DAY_MS).toISOString().slice(0, 10);

let fixture: SecurityFixture;
let api: FastifyInstance;
let loreUrl = '';

function basic(password: string): string {
  return `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
}

beforeAll(async () => {
  fixture = await openSecurityFixture({
    files: { 'backups.md': '# Backups\n\nBackups of the data directory are kept for 30 days.\n' },
    env: { LORE_ADMIN_API_KEYS: `ops:${ADMIN_KEY}`, LORE_API_KEYS: QUERY_KEY },
  });
  // Three days with questions and one without, in the default window: the charts have bars and a broken line.
  await new QueryLogSeeder(fixture.runtime.sql)
    .ask({ id: 'r1', at: `${day(3)}T09:00:00Z`, question: 'How long are backups kept?', costUsd: 0.001 })
    .ask({ id: 'r2', at: `${day(3)}T10:00:00Z`, question: 'How do I rotate the VPN certificate?', mode: 'abstained', handOff: { resolved: true } })
    .ask({ id: 'r3', at: `${day(1)}T09:00:00Z`, question: 'rotating the VPN certificate', mode: 'abstained', channelId: 'C-help' })
    .ask({ id: 'r4', at: `${day(0)}T00:00:01Z`, question: 'Where is the <b>office</b>?', ratings: [{ user: 'U1', rating: 'down' }] })
    .written();
  api = await createHttpServer({ runtime: fixture.runtime, answers: createAnswerService(fixture.runtime) });
  await listenOnConfiguredHost(api, fixture.config.host, 0);
  loreUrl = `http://localhost:${(api.addresses()[0] as AddressInfo).port}`;
}, 240_000);

afterAll(async () => {
  await api?.close();
  await fixture?.close();
});

describe('GET /admin/report and /admin/report.json', () => {
  it('refuse a request without a key, with a query key or with a wrong key, asking for Basic credentials', async () => {
    for (const headers of [{}, { authorization: `Bearer ${QUERY_KEY}` }, { 'x-api-key': 'wrong' }, { authorization: basic('wrong') }]) {
      for (const url of ['/admin/report', '/admin/report.json']) {
        const response = await api.inject({ method: 'GET', url, headers });
        expect(response.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/^Basic realm="Lore admin"/);
        expect(response.json()).toMatchObject({ error: 'unauthorized' });
        expect(response.body).not.toContain('VPN');
      }
    }
  });

  it('serve the report to an admin key, as Bearer, x-api-key or a Basic password', async () => {
    for (const headers of [{ authorization: `Bearer ${ADMIN_KEY}` }, { 'x-api-key': ADMIN_KEY }, { authorization: basic(ADMIN_KEY) }]) {
      const response = await api.inject({ method: 'GET', url: '/admin/report.json', headers });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const report = response.json() as GapReport;
      expect(report.totals).toMatchObject({ questions: 4, answered: { count: 2 }, abstained: { count: 2 }, thumbsDown: { count: 1 } });
      expect(report.gaps[0]).toMatchObject({ size: 2, abstained: 2 });
    }
    const page = await api.inject({ method: 'GET', url: '/admin/report', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(PLAYGROUND_CSP);
    expect(page.body).toContain('Where is the &lt;b&gt;office&lt;/b&gt;?');
    expect(page.body).not.toMatch(/<script|style=/);
  });

  it('refuse every request when no admin key is configured, even on loopback without API keys', async () => {
    const config = loadConfig({ LORE_DATA_DIR: fixture.config.dataDir, LORE_FILES_PATHS: '' });
    const open = await createHttpServer({ runtime: { ...fixture.runtime, config }, answers: createAnswerService({ ...fixture.runtime, config }) });
    try {
      const response = await open.inject({ method: 'GET', url: '/admin/report.json', headers: { host: 'localhost' } });
      expect(response.statusCode).toBe(401);
      expect(response.json().message).toMatch(/LORE_ADMIN_API_KEYS/);
    } finally {
      await open.close();
    }
  });

  it('refuse a request a browser made for another site, even with the admin key', async () => {
    const response = await api.inject({
      method: 'GET',
      url: '/admin/report.json',
      headers: { authorization: basic(ADMIN_KEY), 'sec-fetch-site': 'cross-site' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'cross_site_request' });
  });

  it('take ?since= and refuse one that is not a date', async () => {
    const headers = { authorization: `Bearer ${ADMIN_KEY}` };
    const recent = await api.inject({ method: 'GET', url: `/admin/report.json?since=${day(1)}`, headers });
    expect((recent.json() as GapReport).totals.questions).toBe(2);
    const bad = await api.inject({ method: 'GET', url: '/admin/report.json?since=yesterday', headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_request', field: 'since' });
  });
});

chromiumProgram.describe('the report page in Chromium', () => {
  let browser: Browser;
  let attacker: http.Server;
  let attackerUrl = '';

  beforeAll(async () => {
    browser = await launchChromium();
    const page = `<!doctype html><script>
      window.attack = async () => {
        await fetch(${JSON.stringify(`${loreUrl}/admin/report.json`)}, { mode: 'no-cors', credentials: 'include' });
        return 'sent';
      };
    </script>`;
    attacker = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(page));
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
  });

  it('draws the questions and the answer rate per day as SVG, with nothing blocked by the page’s policy', async () => {
    const context = await browser.newContext({ httpCredentials: { username: 'admin', password: ADMIN_KEY } });
    const page = await context.newPage();
    const { problems } = watchPage(page);
    const response = await page.goto(`${loreUrl}/admin/report`);
    expect(response?.status()).toBe(200);

    const questions = page.getByTestId('chart-questions');
    await questions.waitFor();
    const box = await questions.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(100);
    // Day -3: one answered and one abstained (stacked); day -1: one abstained; today: one answered.
    const rects = questions.locator('rect.bar');
    const bars: Array<[string | null, string | null, number]> = [];
    for (let index = 0; index < (await rects.count()); index++) {
      const rect = rects.nth(index);
      bars.push([await rect.getAttribute('data-series'), await rect.locator('title').textContent(), Math.round((await rect.boundingBox())!.height)]);
    }
    expect(bars.map(([series, title]) => [series, title])).toEqual([
      ['answered', `${day(3)}: 1 answered`],
      ['abstained', `${day(3)}: 1 abstained`],
      ['abstained', `${day(1)}: 1 abstained`],
      ['answered', `${day(0)}: 1 answered`],
    ]);
    // The y axis tops out at 2: a bar of one question is half the height of the plot.
    expect(new Set(bars.map(([, , height]) => height)).size).toBe(1);
    expect(bars[0]![2]).toBeGreaterThan(50);

    const rate = page.getByTestId('chart-answer-rate');
    expect(await rate.locator('circle.point title').allTextContents()).toEqual([`${day(3)}: 50%`, `${day(1)}: 0%`, `${day(0)}: 100%`]);
    // Day -2 had no question: the line breaks there instead of dropping to 0.
    expect(await rate.locator('polyline.line').count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Questions per day, answered and abstained' }).count()).toBe(1);

    // Markup typed into a question is shown as text.
    expect(await page.getByTestId('gap').filter({ hasText: 'Where is the <b>office</b>?' }).count()).toBe(1);
    expect(await page.locator('b').count()).toBe(0);
    // r2 was handed off to a person, and marked resolved.
    expect(await page.getByTestId('total-handed-off').innerText()).toMatch(/1 \(25%\)[\s\S]*1 resolved/);
    // The stylesheet, from the same origin and behind the same key, applied.
    expect(await page.evaluate<string>('getComputedStyle(document.body).maxWidth')).not.toBe('none');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('asks for the key instead of showing the page without one', async () => {
    const page = await browser.newPage();
    const statuses: number[] = [];
    page.on('response', (response) => statuses.push(response.status()));
    // With no credentials to give, the browser answers the Basic challenge by giving up on the page.
    await expect(page.goto(`${loreUrl}/admin/report`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    expect(statuses).toEqual([401]);
    await page.close();
  });

  it('does not let a page on another site read the report with the remembered admin credentials', async () => {
    const context = await browser.newContext({ httpCredentials: { username: 'admin', password: ADMIN_KEY, origin: loreUrl, send: 'always' } });
    const page = await context.newPage();
    const before = fixture.logs.length;
    await page.goto(`${attackerUrl}/`);
    expect(await page.evaluate('window.attack()')).toBe('sent');
    await context.close();
    const served = fixture.logs
      .slice(before)
      .map((line) => JSON.parse(line) as { route?: string; msg?: string; error?: string; status?: number })
      .filter((line) => line.route === '/admin/report.json');
    expect(served.map((line) => [line.msg, line.status, line.error])).toEqual([
      ['request refused', 403, 'cross_site_request'],
      ['request served', 403, undefined],
    ]);
  });
});
