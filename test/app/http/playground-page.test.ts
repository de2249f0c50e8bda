import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Answer } from '../../../rag/types.ts';
import { sendJson, sseEvent, startFakeLoreApi, writeInPieces, type FakeLoreApi } from '../../fakes/fake-lore-api.ts';
import { makeAnswer } from '../../helpers/answer.ts';
import { chromiumProgram, launchChromium, watchPage } from '../../helpers/chromium.ts';

// The playground page in real Chromium against a scripted API: how it reads the event stream (frames split
// anywhere, CRLF, comments, multi-line data, restarts), how it renders server text (never as HTML), what it
// says for each refusal or failure, how it sends the API key, and how 👍/👎 post and withdraw feedback.

function answerFixture(overrides: Partial<Answer> = {}): Answer {
  return makeAnswer({
    id: 'answer-1',
    answer: `Backups are kept for <img src=x onerror="document.title='pwned'"> at most 30 days [1]. Ask the team [2]; [7] names nothing.`,
    citations: [
      {
        n: 1,
        title: 'data-handling-policy.txt',
        url: 'file:///kb/data-handling-policy.txt',
        source: 'files',
        docId: 'files:/kb/data-handling-policy.txt',
        chunkId: 'c1',
      },
      { n: 2, title: '<b>Team page</b>', url: 'javascript:document.title="pwned"', source: 'web', docId: 'web:team', chunkId: 'c2' },
    ],
    contexts: [],
    mode: 'generative',
    confidence: 0.82,
    latencyMs: 1534,
    costUsd: 0.00042,
    usage: { inputTokens: 900, outputTokens: 40 },
    timings: { rewrite: 0, retrieve: 20, rerank: 5, generate: 1500 },
    notes: ['The first model timed out; a second one answered.'],
    model: 'gemini-2.5-flash',
    cached: true,
    ...overrides,
  });
}

const streamHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' };

let api: FakeLoreApi;
let browser: Browser;
let page: Page;
let problems: string[];

async function openPage(): Promise<void> {
  page = await browser.newPage();
  problems = watchPage(page).problems;
  await page.goto(`${api.url}/`);
}

async function ask(question: string): Promise<void> {
  await page.getByTestId('question-input').fill(question);
  await page.getByTestId('ask-button').click();
}

async function errorText(): Promise<string> {
  await page.getByTestId('error').waitFor({ state: 'visible', timeout: 10_000 });
  return page.getByTestId('error').innerText();
}

const queries = () => api.requests.filter((request) => request.path === '/query');
const feedback = () => api.requests.filter((request) => request.path === '/feedback').map((request) => request.body);

chromiumProgram.describe('the playground page in Chromium', () => {
  beforeAll(async () => {
    api = await startFakeLoreApi();
    browser = await launchChromium();
  });
  afterEach(async () => {
    expect(problems).toEqual([]);
    await page.close();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('streams the text as it arrives, starts over on a restart, then links the citations and lists the sources as text', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    api.onQuery(async (_request, res) => {
      res.writeHead(200, streamHeaders);
      // Frames end in CRLF or LF, a comment is a keep-alive, and one event's JSON spans two data lines.
      const before =
        sseEvent('delta', { text: 'A first attempt' }) +
        sseEvent('restart', { reason: 'The first model timed out; answering again.' }) +
        ': keep-alive\r\n\r\n' +
        `event: delta\r\ndata: {"text":\r\ndata: ${JSON.stringify(`Backups are kept for <img src=x onerror="document.title='pwned'"> `)}}\r\n\r\n` +
        sseEvent('delta', { text: 'at most 30 days [1].' });
      await writeInPieces(res, before, 5);
      await released;
      await writeInPieces(res, sseEvent('answer', answerFixture()), 97);
      res.end();
    });
    await openPage();
    await page.locator('summary').click();
    await page.getByLabel('Files').check();
    await page.getByLabel('Notion').check();
    await ask('How long are backups kept?');

    const answer = page.getByTestId('answer');
    await answer.filter({ hasText: /30 days \[1\]\.$/ }).waitFor();
    expect(await answer.textContent()).toBe(`Backups are kept for <img src=x onerror="document.title='pwned'"> at most 30 days [1].`);
    expect(await page.getByTestId('notices').innerText()).toContain('The first model timed out; answering again.');
    expect(await page.getByTestId('ask-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('answer-footer').isVisible()).toBe(false);

    release();
    await page.getByTestId('answer-footer').waitFor({ state: 'visible' });
    expect(await page.getByTestId('ask-button').isDisabled()).toBe(false);
    expect(await answer.textContent()).toBe(answerFixture().answer);
    // [1] and [2] name listed sources and link to them; [7] names none and stays text.
    expect(await answer.locator('a').evaluateAll((links) => links.map((link) => [link.textContent, link.getAttribute('href')]))).toEqual([
      ['[1]', '#source-1'],
      ['[2]', '#source-2'],
    ]);
    const first = page.locator('#source-1 a');
    expect(await first.textContent()).toBe('data-handling-policy.txt');
    expect(await first.getAttribute('href')).toBe('file:///kb/data-handling-policy.txt');
    expect(await first.getAttribute('target')).toBe('_blank');
    expect(await first.getAttribute('rel')).toBe('noopener noreferrer');
    // A javascript: URL is no link, and a title with markup is shown as the characters it is.
    expect(await page.locator('#source-2 a').count()).toBe(0);
    expect(await page.locator('#source-2').innerText()).toContain('<b>Team page</b>');
    expect(await page.locator('main img, main b').count()).toBe(0);
    expect(await page.title()).toBe('Lore playground');

    expect(await page.getByTestId('notices').innerText()).toContain('The first model timed out; a second one answered.');
    expect(await page.getByTestId('footer-mode').innerText()).toBe('generative · gemini-2.5-flash');
    expect(await page.getByTestId('footer-latency').innerText()).toBe('1.5 s');
    expect(await page.getByTestId('footer-cost').innerText()).toBe('$0.00042 (cached)');
    expect(await page.getByTestId('footer-confidence').innerText()).toBe('82%');

    const [query] = queries().slice(-1);
    expect(query?.body).toEqual({ question: 'How long are backups kept?', sources: ['files', 'notion'] });
    expect(query?.headers.accept).toBe('text/event-stream');
    expect(query?.headers.authorization).toBeUndefined();
  });

  it('says what went wrong for 401, 429 (with the wait), 413, 5xx, an error event, a dropped connection and a cut stream', async () => {
    await openPage();
    const cases: Array<[string, (res: import('node:http').ServerResponse) => void | Promise<void>, RegExp]> = [
      [
        '401',
        (res) => sendJson(res, 401, { error: 'unauthorized', message: 'an API key is required' }),
        /needs an API key \(401\).*Options → API key/,
      ],
      [
        '429',
        (res) => sendJson(res, 429, { error: 'rate_limited', message: 'too many requests' }, { 'retry-after': '42' }),
        /Too many requests \(429\): try again in 42 seconds/,
      ],
      [
        '413',
        (res) => sendJson(res, 413, { error: 'payload_too_large', message: 'the request body is over the 64 KB limit' }),
        /too large .*\(413\).*64 KB/,
      ],
      ['502', (res) => sendJson(res, 502, { error: 'bad_gateway', message: 'upstream failed' }), /problem on the server \(502\)/],
      [
        'error event',
        (res) => {
          res.writeHead(200, streamHeaders);
          res.end(
            sseEvent('delta', { text: 'Half an' }) + sseEvent('error', { error: 'generation_failed', message: 'The answer could not be generated.' }),
          );
        },
        /The answer could not be generated\. \(generation_failed\)/,
      ],
      ['dropped', (res) => res.socket?.destroy(), /Could not reach the Lore server/],
      [
        'cut',
        (res) => {
          res.writeHead(200, streamHeaders);
          res.end(sseEvent('delta', { text: 'Half an' }));
        },
        /ended before the answer was complete/,
      ],
    ];
    for (const [name, reply, expected] of cases) {
      api.onQuery((_request, res) => reply(res));
      await ask(`question for the ${name} case`);
      await page.locator('[data-testid="ask-button"]:enabled').waitFor();
      expect(await errorText(), name).toMatch(expected);
    }
    // The 401 opened the options so the key field is in view.
    expect(await page.locator('details.options').getAttribute('open')).not.toBeNull();
  });

  it('sends the API key as a bearer token and keeps it in localStorage only while "remember" is ticked', async () => {
    api.onQuery(async (_request, res) => {
      res.writeHead(200, streamHeaders);
      res.end(sseEvent('answer', answerFixture()));
    });
    await openPage();
    await page.locator('summary').click();
    await page.getByTestId('api-key').fill('sk-playground-1');
    expect(await page.getByTestId('api-key').getAttribute('type')).toBe('password');
    await ask('with a key');
    await page.getByTestId('answer-footer').waitFor({ state: 'visible' });
    expect(queries().at(-1)?.headers.authorization).toBe('Bearer sk-playground-1');
    const stored = () => page.evaluate<string | null>('window.localStorage.getItem("lore.playground.apiKey")');
    expect(await stored()).toBeNull();

    await page.getByTestId('remember-key').check();
    expect(await stored()).toBe('sk-playground-1');
    await page.reload();
    expect(await page.getByTestId('api-key').inputValue()).toBe('sk-playground-1');
    expect(await page.getByTestId('remember-key').isChecked()).toBe(true);
    await page.locator('summary').click();
    await page.getByTestId('remember-key').uncheck();
    expect(await stored()).toBeNull();
  });

  it('asks on Enter and takes Shift+Enter as a new line', async () => {
    api.onQuery(async (_request, res) => {
      res.writeHead(200, streamHeaders);
      res.end(sseEvent('answer', answerFixture()));
    });
    await openPage();
    const input = page.getByTestId('question-input');
    await input.click();
    await input.pressSequentially('first line');
    await input.press('Shift+Enter');
    await input.pressSequentially('second line');
    const before = queries().length;
    await input.press('Enter');
    await page.getByTestId('answer-footer').waitFor({ state: 'visible' });
    expect(queries()).toHaveLength(before + 1);
    expect(queries().at(-1)?.body.question).toBe('first line\nsecond line');
  });

  it('posts 👍/👎, shows each was recorded, switches with one request, and withdraws on a second click', async () => {
    api.onQuery(async (_request, res) => {
      res.writeHead(200, streamHeaders);
      res.end(sseEvent('answer', answerFixture({ id: 'answer-7' })));
    });
    api.onFeedback((_request, res) => sendJson(res, 200, { ok: true }));
    await openPage();
    await ask('rate me');
    await page.getByTestId('answer-footer').waitFor({ state: 'visible' });
    const up = page.getByTestId('thumbs-up');
    const down = page.getByTestId('thumbs-down');
    const pressed = async () => [await up.getAttribute('aria-pressed'), await down.getAttribute('aria-pressed')];
    const settled = () => page.locator('[data-testid="thumbs-up"]:enabled').waitFor();
    const start = feedback().length;

    await up.click();
    await settled();
    expect(await pressed()).toEqual(['true', 'false']);
    expect(await page.getByTestId('feedback-status').innerText()).toMatch(/Recorded/);
    await down.click();
    await settled();
    expect(await pressed()).toEqual(['false', 'true']);
    await down.click();
    await settled();
    expect(await pressed()).toEqual(['false', 'false']);
    expect(await page.getByTestId('feedback-status').innerText()).toMatch(/withdrawn/);
    expect(feedback().slice(start)).toEqual([
      { answerId: 'answer-7', rating: 'up' },
      { answerId: 'answer-7', rating: 'down' },
      { answerId: 'answer-7', rating: 'down', retract: true },
    ]);

    api.onFeedback((_request, res) => sendJson(res, 500, { error: 'internal', message: 'the request failed on the server' }));
    await up.click();
    await settled();
    expect(await pressed()).toEqual(['false', 'false']);
    expect(await page.getByTestId('feedback-status').innerText()).toMatch(/problem on the server \(500\)/);
  });
});
