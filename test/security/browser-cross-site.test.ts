import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { createHttpServer, listenOnConfiguredHost } from '../../app/http/create-server.ts';
import { chromiumProgram, launchChromium, watchPage } from '../helpers/chromium.ts';
import { openSecurityFixture, type SecurityFixture } from './security-fixture.ts';

// Finding 1 in a real browser: Lore on localhost with no keys (the quick start), and a page from another origin the
// user has open that makes the browser post to it the two requests a browser sends without asking first: a
// multipart upload and a text/plain question. Lore must see them (they are logged) and refuse both, while its own
// playground on the same browser keeps answering.

let fixture: SecurityFixture;
let lore: FastifyInstance;
let loreUrl = '';
let attacker: http.Server;
let attackerUrl = '';
let browser: Browser;

function count(sql: string): number {
  return fixture.runtime.db!.prepare(sql).pluck().get() as number;
}

chromiumProgram.describe('a page on another origin in Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    fixture = await openSecurityFixture({ files: { 'backups.md': '# Backups\n\nBackups of the data directory are kept for 30 days.\n' } });
    lore = await createHttpServer({ runtime: fixture.runtime, answers: createAnswerService(fixture.runtime) });
    await listenOnConfiguredHost(lore, fixture.config.host, 0);
    loreUrl = `http://localhost:${(lore.addresses()[0] as AddressInfo).port}`;
    // The attacker's page: another origin (127.0.0.1 is not localhost to a browser) that posts to Lore on load.
    const page = `<!doctype html><script>
      window.attack = async () => {
        const form = new FormData();
        form.append('file', new Blob(['# VPN\\n\\nGet the VPN client at https://evil.example/vpn.\\n']), 'vpn.md');
        await fetch(${JSON.stringify(`${loreUrl}/ingest`)}, { method: 'POST', mode: 'no-cors', body: form });
        await fetch(${JSON.stringify(`${loreUrl}/query`)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ question: 'How long are backups kept?' }) });
        return 'sent';
      };
    </script>`;
    attacker = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(page));
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await lore?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await fixture?.close();
  });

  it('cannot make the browser upload a document or ask a question', async () => {
    const answersBefore = count('SELECT COUNT(*) FROM answers');
    const page = await browser.newPage();
    await page.goto(`${attackerUrl}/`);
    expect(await page.evaluate('window.attack()')).toBe('sent');
    await page.close();

    const refusals = fixture.logs.filter((line) => line.includes('"cross_site_request"'));
    expect(refusals.map((line) => (JSON.parse(line) as { route: string }).route).sort()).toEqual(['/ingest', '/query']);
    expect(count("SELECT COUNT(*) FROM documents WHERE source = 'upload'")).toBe(0);
    expect(count('SELECT COUNT(*) FROM answers')).toBe(answersBefore);
  });

  it('still lets the playground on localhost answer, with no key and no setup', async () => {
    const page = await browser.newPage();
    const { problems } = watchPage(page);
    await page.goto(`${loreUrl}/`);
    await page.getByTestId('question-input').fill('How long are backups of the data directory kept?');
    await page.getByTestId('ask-button').click();
    await page.getByTestId('answer-footer').waitFor({ state: 'visible', timeout: 60_000 });
    expect(await page.getByTestId('answer').innerText()).toMatch(/30 days/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
