import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { chromiumProgram, launchChromium, watchPage } from '../../helpers/chromium.ts';
import { spawnLore } from '../../helpers/run-lore.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// What a user gets from `lore start` and a browser: the playground at GET /, in real headless Chromium, asking
// the real server (offline: local embedder, extractive answers) over server-sent events. The answer names the
// document it came from, a 👍 lands in the feedback table as an HTTP rating, an unknown question is declined,
// and a document holding HTML shows that HTML as text.

const API_KEY = 'playground-test-key';
const tmp = tempDir('lore-playground-');
const dataDir = path.join(tmp.dir, 'data');
const extraDir = path.join(tmp.dir, 'docs');
/** A document whose text is markup: the answer quotes it, and the page must show it, not run it. */
const HOSTILE_SENTENCE = `The Zorblax staging console is opened with the widget phrase <img src=x onerror="document.title='pwned'"> typed into the login box.`;

let lore: ChildProcess | undefined;
let logs = '';
let baseUrl = '';
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];

async function startLore(): Promise<void> {
  fs.mkdirSync(extraDir, { recursive: true });
  fs.writeFileSync(
    path.join(extraDir, 'zorblax-console.txt'),
    `Zorblax console access\n\n${HOSTILE_SENTENCE}\n\nThe Zorblax console is only available on weekdays.\n`,
  );
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  baseUrl = `http://127.0.0.1:${port}`;
  lore = spawnLore(['start'], {
    LORE_DATA_DIR: dataDir,
    LORE_FILES_PATHS: `${path.resolve('datasets/sample-kb')},${extraDir}`,
    // No Gemini: the offline embedder and the extractive answerer, as on a fresh machine without keys.
    LORE_EMBEDDER: 'local',
    LORE_API_KEYS: API_KEY,
    PORT: String(port),
    LOG_LEVEL: 'info',
  });
  lore.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
  // Generous: on a busy shared machine the first index can take a while.
  for (const deadline = Date.now() + 150_000; !logs.includes('Lore is running'); ) {
    if (lore.exitCode !== null || Date.now() > deadline) throw new Error(`lore start did not come up: ${logs}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopLore(): Promise<number | null> {
  const child = lore;
  if (!child || child.exitCode !== null) return child?.exitCode ?? null;
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    return await closed;
  } finally {
    clearTimeout(timer);
  }
}

async function ask(question: string): Promise<void> {
  await page.getByTestId('question-input').fill(question);
  await page.getByTestId('question-input').press('Enter');
  await page.getByTestId('answer-footer').waitFor({ state: 'visible', timeout: 60_000 });
}

function feedbackRows(answerId: string): Array<{ platform: string; rating: string; retracted_at: string | null }> {
  const db = new Database(path.join(dataDir, 'lore.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT platform, rating, retracted_at FROM feedback WHERE answer_id = ?').all(answerId) as Array<{
      platform: string;
      rating: string;
      retracted_at: string | null;
    }>;
  } finally {
    db.close();
  }
}

chromiumProgram.describe('the web playground served by lore start', () => {
  beforeAll(async () => {
    // The browser first: without Chromium there is nothing to start Lore for.
    browser = await launchChromium();
    await startLore();
    // The key is remembered once, as a user would tick "remember", so every page of this run sends it.
    context = await browser.newContext();
    await context.addInitScript(
      `if (!window.localStorage.getItem('lore.playground.apiKey')) window.localStorage.setItem('lore.playground.apiKey', ${JSON.stringify(API_KEY)});`,
    );
  }, 240_000);
  afterEach(async () => {
    expect(problems).toEqual([]);
    await page.close();
  });
  afterAll(async () => {
    await browser?.close();
    const code = await stopLore();
    tmp.cleanup();
    expect(code, logs).toBe(0);
  });

  /** A page in the context that remembers the API key, or (`withKey: false`) in a fresh one that has none. */
  async function openPlayground({ viewport = { width: 1100, height: 900 }, withKey = true } = {}): Promise<void> {
    page = withKey ? await context.newPage() : await browser.newPage();
    await page.setViewportSize(viewport);
    problems = watchPage(page).problems;
    const response = await page.goto(`${baseUrl}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/default-src 'self'/);
  }

  it('streams a cited answer about backups, links data-handling-policy.txt, and records a 👍 as HTTP feedback', async () => {
    await openPlayground();
    const streamed = page.waitForResponse((response) => response.url().endsWith('/query'));
    const rated = page.waitForRequest((request) => request.url().endsWith('/feedback'));
    await ask('How long are backups of the data directory kept?');

    const response = await streamed;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/event-stream/);
    expect(await page.getByTestId('answer').innerText()).toMatch(/30 days/);
    expect(await page.getByTestId('answer-footer').innerText()).toMatch(/extractive/);

    // The marker in the answer points at the numbered source, and that source links to the policy file.
    const marker = page.getByTestId('answer').locator('a.cite').first();
    const target = await marker.getAttribute('href');
    expect(target).toMatch(/^#source-\d+$/);
    const source = page.locator(`${target} a`);
    expect(await source.getAttribute('href')).toMatch(/^file:\/\/.*\/data-handling-policy\.txt$/);
    expect(await source.getAttribute('target')).toBe('_blank');
    expect(await source.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await page.getByTestId('sources').innerText()).toContain('data-handling-policy.txt');

    await page.getByTestId('thumbs-up').click();
    const { answerId: id } = (await rated).postDataJSON() as { answerId: string };
    await page.locator('[data-testid="thumbs-up"][aria-pressed="true"]').waitFor();
    expect(await page.getByTestId('feedback-status').innerText()).toMatch(/Recorded/);
    expect(feedbackRows(id)).toEqual([{ platform: 'http', rating: 'up', retracted_at: null }]);

    // A second click withdraws it: the row stays, marked retracted.
    await page.getByTestId('thumbs-up').click();
    await page.locator('[data-testid="thumbs-up"][aria-pressed="false"]:enabled').waitFor();
    expect(feedbackRows(id)).toEqual([{ platform: 'http', rating: 'up', retracted_at: expect.any(String) }]);
  });

  it('declines a question the knowledge base cannot answer', async () => {
    await openPlayground();
    await ask('What is the boiling point of mercury on Jupiter?');
    expect(await page.getByTestId('footer-mode').innerText()).toBe('abstained');
    expect(await page.getByTestId('answer').innerText()).toMatch(/couldn't find this/i);
    expect(await page.locator('#sources-heading').innerText()).toBe('Closest sources');
  });

  it('shows HTML quoted from a document as text, injecting no element, on a 360 px screen', async () => {
    await openPlayground({ viewport: { width: 360, height: 800 } });
    await ask('How do I open the Zorblax staging console?');
    const answer = page.getByTestId('answer');
    expect(await answer.innerText()).toContain(`<img src=x onerror="document.title='pwned'">`);
    expect(await answer.locator('*:not(a.cite)').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.title()).toBe('Lore playground');
    expect(await page.getByTestId('sources').innerText()).toContain('zorblax-console.txt');
    // Nothing runs off the side of a small phone's screen.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
  });

  it('asks for the API key when the server needs one and none is given', async () => {
    await openPlayground({ withKey: false });
    await page.getByTestId('question-input').fill('How long are backups of the data directory kept?');
    await page.getByTestId('ask-button').click();
    await page.getByTestId('error').waitFor({ state: 'visible' });
    expect(await page.getByTestId('error').innerText()).toMatch(/needs an API key \(401\)/);
    expect(await page.getByTestId('answer-footer').isVisible()).toBe(false);
  });
});
