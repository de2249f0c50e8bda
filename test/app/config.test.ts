import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../app/config.ts';
import { DEFAULT_PRICES } from '../../rag/cost/price-table.ts';

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({}, {}, '/srv/lore');
    expect(config.dataDir).toBe(path.resolve('/srv/lore/.lore'));
    expect(config.embedder).toBe('local');
    expect(config.chromaUrl).toBeUndefined();
    expect(config.filesPaths).toEqual([path.resolve('/srv/lore/datasets/sample-kb')]);
    expect(config.port).toBe(8080);
    expect(config.limits.maxFileBytes).toBe(25 * 1024 * 1024);
  });

  it('lets the --data-dir flag win over LORE_DATA_DIR', () => {
    const config = loadConfig({ LORE_DATA_DIR: '/a' }, { dataDir: '/b' });
    expect(config.dataDir).toBe('/b');
  });

  it('chooses Gemini embeddings automatically when a key is set', () => {
    expect(loadConfig({ GEMINI_API_KEY: 'k' }).embedder).toBe('gemini');
    expect(loadConfig({ GEMINI_API_KEY: 'k', LORE_EMBEDDER: 'local' }).embedder).toBe('local');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a number/],
    [{ PORT: '70000' }, /PORT must be at most 65535/],
    [{ CHROMA_URL: 'not a url' }, /CHROMA_URL must be an http\(s\) URL/],
    [{ LORE_EMBEDDER: 'openai' }, /LORE_EMBEDDER/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ LORE_MAX_FILE_MB: '-1' }, /LORE_MAX_FILE_MB must be positive/],
    [{ LORE_EMBEDDER: 'gemini' }, /GEMINI_API_KEY is not set/],
    [{ LORE_DAILY_BUDGET_USD: '-5' }, /LORE_DAILY_BUDGET_USD must not be negative/],
    [{ LORE_QUALITY_ALERT_BELOW: '1.5' }, /LORE_QUALITY_ALERT_BELOW must be between 0 and 1/],
    [{ LORE_CACHE_TTL_SECONDS: 'soon' }, /LORE_CACHE_TTL_SECONDS must be a number/],
    [{ LORE_API_RATE_PER_MINUTE: '0' }, /LORE_API_RATE_PER_MINUTE must be at least 1/],
    [{ LORE_API_BURST: '0' }, /LORE_API_BURST must be at least 1/],
    [{ LORE_ANSWER_DEADLINE_SECONDS: 'soon' }, /LORE_ANSWER_DEADLINE_SECONDS must be a number/],
    [{ LORE_ANSWER_DEADLINE_SECONDS: '1' }, /LORE_ANSWER_DEADLINE_SECONDS must be at least 2/],
    [{ LORE_ANSWER_DEADLINE_SECONDS: '301' }, /LORE_ANSWER_DEADLINE_SECONDS must be at most 300/],
    [{ DISCORD_GUILD_ID: 'general' }, /DISCORD_GUILD_ID must be a Discord server id, a number \(got "general"\)/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /SLACK_SIGNING_SECRET is required for Slack over HTTP \(or set SLACK_APP_TOKEN for Socket Mode\)/],
    [{ LORE_TOPICS_FILE: '/nonexistent/topics.json' }, /^Invalid configuration: LORE_TOPICS_FILE ENOENT/],
    [{ LORE_PRICES_FILE: '/nonexistent/prices.json' }, /^Invalid configuration: LORE_PRICES_FILE ENOENT/],
  ])('fails with one message naming the variable for %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads the topic taxonomy and the price table the variables name, and checks them at start', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lore-config-'));
    try {
      fs.writeFileSync(path.join(dir, 'topics.json'), JSON.stringify({ billing: ['invoice', 'refund'] }));
      fs.writeFileSync(path.join(dir, 'prices.json'), JSON.stringify({ 'my-model': { inputPerMillion: 1, outputPerMillion: 2 } }));
      fs.writeFileSync(path.join(dir, 'bad.json'), '{"billing": "invoice"');
      const config = loadConfig({ LORE_TOPICS_FILE: 'topics.json', LORE_PRICES_FILE: 'prices.json' }, {}, dir);
      expect(Object.keys(config.topics)).toContain('billing');
      expect(config.prices['my-model']).toMatchObject({ inputPerMillion: 1, outputPerMillion: 2 });
      expect(loadConfig({}, {}, dir).prices).toEqual(DEFAULT_PRICES);
      expect(() => loadConfig({ LORE_TOPICS_FILE: 'bad.json' }, {}, dir)).toThrow(/^Invalid configuration: LORE_TOPICS_FILE /);
      expect(() => loadConfig({ LORE_PRICES_FILE: 'topics.json' }, {}, dir)).toThrow(/^Invalid configuration: LORE_PRICES_FILE /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads Discord admin roles from LORE_ADMINS when Discord is configured, refusing an entry that is not a role id', () => {
    const admins = 'U0123ABC, 1400000000000000001, role:1500000000000000002,role:1500000000000000003';
    expect(loadConfig({ DISCORD_TOKEN: 't', LORE_ADMINS: admins }).discord.adminRoleIds).toEqual(['1500000000000000002', '1500000000000000003']);
    expect(loadConfig({ DISCORD_TOKEN: 't' }).discord.adminRoleIds).toEqual([]);
    expect(() => loadConfig({ DISCORD_TOKEN: 't', LORE_ADMINS: 'role:Moderators' })).toThrow(ConfigError);
    expect(() => loadConfig({ DISCORD_TOKEN: 't', LORE_ADMINS: 'role:Moderators' })).toThrow(
      /^Invalid configuration: LORE_ADMINS "role:Moderators" is not a Discord role/,
    );
    expect(() => loadConfig({ DISCORD_TOKEN: 't', LORE_ADMINS: 'role:' })).toThrow(/"role:"/);
    // Without Discord a role entry means nothing and is left alone, as before.
    expect(loadConfig({ LORE_ADMINS: 'role:Moderators' }).discord.adminRoleIds).toEqual([]);
  });

  it('accepts Slack over HTTP with a signing secret, and Socket Mode with an app token', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).slack.botToken).toBe('xoxb-1');
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack.appToken).toBe('xapp-1');
  });

  it('gives every answer a 20 s deadline unless LORE_ANSWER_DEADLINE_SECONDS says otherwise', () => {
    expect(loadConfig({}).answerDeadlineSeconds).toBe(20);
    expect(loadConfig({ LORE_ANSWER_DEADLINE_SECONDS: '7.5' }).answerDeadlineSeconds).toBe(7.5);
  });

  it('reads the production settings: API keys, budget, cache, query log, quality, model routing', () => {
    const config = loadConfig({
      LORE_API_KEYS: 'k1, k2',
      LORE_ADMIN_API_KEYS: 'ops:k3',
      LORE_DAILY_BUDGET_USD: '2.5',
      LORE_CACHE_TTL_SECONDS: '0',
      GEMINI_SIMPLE_MODEL: 'gemini-2.5-flash',
    });
    expect(config.api).toEqual({
      keys: [{ key: 'k1' }, { key: 'k2' }],
      public: false,
      ratePerMinute: 60,
      burst: 60,
      maxConcurrentQueries: 64,
      adminKeys: [{ key: 'k3', name: 'ops' }],
    });
    // An admin key reads every channel's questions: one limited to sources is a mistake, said before anything starts.
    expect(() => loadConfig({ LORE_ADMIN_API_KEYS: 'ops:k3:web' })).toThrow(/LORE_ADMIN_API_KEYS entry 1 names sources/);
    expect(loadConfig({ LORE_API_BURST: '5' }).api.burst).toBe(5);
    expect(config.dailyBudgetUsd).toBe(2.5);
    expect(config.cache).toEqual({ ttlSeconds: 0, maxEntries: 5000 });
    expect(config.queryLogDays).toBe(30);
    expect(config.quality).toEqual({ window: 100, alertBelow: 0.8 });
    // The same model for both routes is no routing.
    expect(config.gemini.simpleModel).toBeUndefined();
    expect(loadConfig({}).gemini.simpleModel).toBe('gemini-2.5-flash-lite');
    expect(loadConfig({ GEMINI_SIMPLE_MODEL: '' }).gemini.simpleModel).toBeUndefined();
  });

  it('never echoes a secret value in its error', () => {
    expect(() => loadConfig({ LORE_API_KEYS: 'sekret', LORE_API_RATE_PER_MINUTE: 'x' })).not.toThrow(/sekret/);
    expect(() => loadConfig({ GEMINI_BASE_URL: 'ftp://x', GEMINI_API_KEY: 'sekret' })).not.toThrow(/sekret/);
    expect(() => loadConfig({ REDIS_URL: 'sekret-token' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ REDIS_URL: 'http://:sekret@redis.internal:6379' })).toThrow(/REDIS_URL must be a redis:\/\/ URL$/);
  });
});
