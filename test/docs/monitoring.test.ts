import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../app/config.ts';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { createLogger } from '../../app/logger.ts';
import { Metrics } from '../../app/metrics.ts';
import { openRuntime, type Runtime } from '../../app/runtime.ts';
import { createSyncService } from '../../app/sync-service.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { promtoolProgram } from '../helpers/system-program.ts';

// The alert rules and the dashboard in docs/monitoring/ against the metrics Lore really serves: every lore_* name
// they use must show up in a live registry after real answers and a real sync (or be on the short list below of
// metrics that need a chat platform, the HTTP server or `lore start`), promtool must accept the rules, and the
// alert expressions must fire on the situations they describe and stay quiet otherwise.

const RULES_FILE = 'docs/monitoring/prometheus-alerts.yml';
const DASHBOARD_FILE = 'docs/monitoring/grafana-dashboard.json';

/** Metrics that need a surface this test does not start, with the file that emits each and its label names. */
const EMITTED_ELSEWHERE: Record<string, { file: string; labels: string[] }> = {
  lore_chat_answers_total: { file: 'bot/conversation/conversation.ts', labels: ['platform', 'mode'] },
  lore_chat_rate_limited_total: { file: 'bot/conversation/conversation.ts', labels: ['platform'] },
  lore_feedback_total: { file: 'bot/conversation/conversation.ts', labels: ['platform', 'rating'] },
  lore_feedback_retracted_total: { file: 'bot/conversation/conversation.ts', labels: ['platform', 'rating'] },
  lore_http_requests_total: { file: 'app/http/request-metrics.ts', labels: ['route', 'method', 'status'] },
  lore_http_request_duration_seconds: { file: 'app/http/request-metrics.ts', labels: ['route'] },
  lore_api_rate_limited_total: { file: 'app/http/rate-limit-hook.ts', labels: ['route'] },
  lore_budget_limit_usd: { file: 'app/commands/start.ts', labels: [] },
};
const HISTOGRAMS_ELSEWHERE = new Set(['lore_http_request_duration_seconds']);
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['instance', 'job'];

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
}

const rules = (parse(fs.readFileSync(RULES_FILE, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] }).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8')) as {
  __inputs: { name: string; type: string; pluginId: string }[];
  panels: Panel[];
  templating: { list: { name: string; query: { query: string } | string }[] };
};
const dashboardPanels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const dashboardExprs = dashboardPanels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

/** `name -> label names` of every sample family a live Lore registry serves (histograms as _bucket, _sum, _count). */
let served: Map<string, Set<string>>;
let gemini: FakeGemini;
let runtime: Runtime;
const tmp = tempDir('lore-monitoring-');

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  const kb = path.join(tmp.dir, 'kb');
  fs.cpSync('datasets/sample-kb', kb, { recursive: true });
  const config = loadConfig({
    LORE_DATA_DIR: path.join(tmp.dir, 'data'),
    LORE_FILES_PATHS: kb,
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    // Small enough that the second generated answer spends it, so the next one is a budget cutover.
    LORE_DAILY_BUDGET_USD: '0.0003',
  });
  runtime = await openRuntime(config, createLogger('silent'));
  const metrics = new Metrics();
  await createSyncService(runtime, { metrics }).sync('files');

  let reply = 'Backups of the data directory are kept for at most 30 days [1].';
  gemini.setGenerator((request) =>
    request.method === 'generateContent'
      ? { chunks: [JSON.stringify({ scores: [] })], usage: { promptTokenCount: 400, candidatesTokenCount: 10 } }
      : { chunks: [reply], usage: { promptTokenCount: 1000, candidatesTokenCount: 20 } },
  );
  const answers = createAnswerService(runtime, { metrics });
  const asker = { platform: 'http', userId: 'key-1' };
  const first = await answers.answer({ text: 'How long are backups of the data directory kept?', asker });
  expect(first.mode).toBe('generative');
  expect((await answers.answer({ text: 'How long are backups of the data directory kept?', asker })).cached).toBe(true);
  // A 400 is not retried: the model fails at once and the answer falls back to extractive.
  gemini.always({ status: 400, body: { error: { code: 400, message: 'bad request', status: 'INVALID_ARGUMENT' } } });
  try {
    await answers.answer({ text: 'Where do I find the Slack install steps?', asker });
  } finally {
    gemini.always(undefined);
  }
  reply = 'The query log keeps questions and answers for 90 days [1].';
  expect((await answers.answer({ text: 'How long is the query log kept?', asker })).mode).toBe('generative');
  const cutover = await answers.answer({ text: 'What is the boiling point of tungsten in kelvin?', asker });
  expect(cutover.abstained).toBe(true);
  expect(cutover.notes.join(' ')).toMatch(/budget/);
  // Online quality scores after the answer is sent.
  await new Promise((resolve) => setTimeout(resolve, 50));

  served = new Map();
  for (const family of await metrics.registry.getMetricsAsJSON()) {
    const labels = new Set(family.values.flatMap((v) => Object.keys(v.labels)));
    // prom-client declares the type as an enum but reports it as a string ('histogram').
    const type = String(family.type);
    const names =
      type === 'histogram'
        ? ['_bucket', '_sum', '_count'].map((s) => family.name + s)
        : type === 'summary'
          ? [family.name, `${family.name}_sum`, `${family.name}_count`]
          : [family.name];
    for (const name of names) served.set(name, labels);
  }
}, 180_000);
afterAll(async () => {
  await runtime?.close();
  await gemini?.close();
  tmp.cleanup();
});

/** Every `lore_*` sample name in a PromQL expression. */
function metricNames(expr: string): string[] {
  return [...new Set(expr.match(/\blore_[a-zA-Z0-9_]+/g) ?? [])];
}

/** `[metric, label]` for every label matcher in a selector such as `lore_x{a="b", c!~"d"}`. */
function matchedLabels(expr: string): [string, string][] {
  return [...expr.matchAll(/\b(lore_[a-zA-Z0-9_]+)\{([^}]*)\}/g)].flatMap(([, metric, body]) =>
    [...body!.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map(([, label]) => [metric!, label!] as [string, string]),
  );
}

function knownLabels(name: string): Set<string> | undefined {
  const live = served.get(name);
  if (live) return live;
  const family = name.replace(/_(bucket|sum|count)$/, '');
  const elsewhere = EMITTED_ELSEWHERE[name] ?? (HISTOGRAMS_ELSEWHERE.has(family) ? EMITTED_ELSEWHERE[family] : undefined);
  if (!elsewhere) return undefined;
  return new Set([...elsewhere.labels, ...(name.endsWith('_bucket') ? ['le'] : [])]);
}

const allExprs = () => [
  ...rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
  ...dashboardExprs.map((expr) => ({ where: DASHBOARD_FILE, expr })),
];

describe('the alert rules and the dashboard use only metrics Lore serves', () => {
  it('names only lore_* metrics that a live registry serves, or that the short list says another surface emits', () => {
    const unknown = allExprs().flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !knownLabels(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
    // The sync, answer and quality metrics really were served, not taken on trust.
    for (const name of [
      'lore_sync_runs_total',
      'lore_sync_last_success_timestamp_seconds',
      'lore_budget_cutover_total',
      'lore_online_faithfulness',
      'lore_errors_total',
      'lore_model_routes_total',
    ]) {
      expect(served.has(name), name).toBe(true);
    }
  });

  it('matches only on labels those metrics carry', () => {
    const wrong = allExprs().flatMap(({ where, expr }) =>
      matchedLabels(expr)
        .filter(([metric, label]) => !TARGET_LABELS.includes(label) && !knownLabels(metric)?.has(label))
        .map(([metric, label]) => `${where}: ${metric}{${label}}`),
    );
    expect(wrong).toEqual([]);
  });

  it('keeps the list of metrics emitted elsewhere honest: each is emitted, by that name, in the file it names', () => {
    for (const [name, { file }] of Object.entries(EMITTED_ELSEWHERE)) {
      expect(fs.readFileSync(file, 'utf8'), `${name} in ${file}`).toContain(`'${name}'`);
    }
  });
});

describe('the alert rules', () => {
  it('give every alert a for:, a severity, a summary and a description saying what to check first', () => {
    expect(rules.length).toBeGreaterThan(10);
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Lore[A-Z]\w+$/);
      expect(rule.for, rule.alert).toMatch(/^\d+[smhd]$/);
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary?.length, rule.alert).toBeGreaterThan(10);
      expect(rule.annotations?.description, rule.alert).toMatch(/Check first/);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('cover what the operations guide asks to watch', () => {
    const used = new Set(rules.flatMap((r) => metricNames(r.expr)));
    for (const name of [
      'lore_answer_duration_seconds_bucket',
      'lore_http_requests_total',
      'lore_errors_total',
      'lore_budget_spent_usd',
      'lore_llm_cost_usd_total',
      'lore_online_faithfulness',
      'lore_online_citation_precision',
      'lore_abstentions_total',
      'lore_feedback_total',
      'lore_sync_last_success_timestamp_seconds',
      'lore_sync_runs_total',
      'lore_api_rate_limited_total',
      'lore_chat_rate_limited_total',
    ]) {
      expect(used, name).toContain(name);
    }
    expect(rules.map((r) => r.expr)).toContain('up{job="lore"} == 0');
    expect(rules.find((r) => r.alert === 'LoreLlmFallbackRateHigh')?.expr).toContain('kind="llm_fallback"');
  });
});

describe('the Grafana dashboard', () => {
  it('imports with a Prometheus datasource input used by every panel and variable', () => {
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    for (const panel of dashboardPanels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
    expect(JSON.stringify(dashboard.templating)).toContain('${DS_PROMETHEUS}');
  });

  it('has the six rows, unique panel ids and no overlapping panels', () => {
    expect(dashboardPanels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'Traffic',
      'Latency',
      'Quality',
      'Cost',
      'Reliability',
      'Sync',
    ]);
    expect(new Set(dashboardPanels.map((p) => p.id)).size).toBe(dashboardPanels.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of dashboardPanels) {
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('charts each part the operations guide names', () => {
    const all = dashboardExprs.join('\n');
    for (const needle of [
      'lore_answers_total',
      'lore_answer_cache_total',
      'lore_stage_duration_seconds_bucket',
      'histogram_quantile(0.99, sum by (le) (rate(lore_answer_duration_seconds_bucket',
      'lore_online_faithfulness',
      'lore_online_citation_precision',
      'lore_abstentions_total',
      'lore_feedback_total',
      'lore_llm_cost_usd_total',
      'lore_llm_tokens_total',
      'lore_budget_limit_usd',
      'lore_model_routes_total',
      'sum by (status) (rate(lore_http_requests_total',
      'sum by (kind) (rate(lore_errors_total',
      'lore_api_rate_limited_total',
      'kind="llm_fallback"',
      'sum by (source, outcome) (increase(lore_sync_runs_total',
      'lore_sync_documents_total',
      'time() - max by (source) (lore_sync_last_success_timestamp_seconds',
    ]) {
      expect(all, needle).toContain(needle);
    }
  });
});

// ---- promtool ----

// Skipped without promtool outside CI, failing under CI=true (test/helpers/system-program.ts; PROMTOOL_BIN overrides).
function runPromtool(args: string[]): { code: number | null; output: string } {
  const run = spawnSync(promtoolProgram.require(), args, { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** One situation for promtool's unit tests: input series, and what an alert's expression must give at a time. */
interface Scenario {
  alert: string;
  interval: string;
  series: Record<string, string>;
  at: string;
  /** Expected samples (labels in PromQL form -> value); empty: the expression must return nothing. */
  expect: Record<string, number>;
}

const L = 'instance="lore-1:8080", job="lore"';
const scenarios: Scenario[] = [
  {
    alert: 'LoreDown',
    interval: '1m',
    series: { [`up{${L}}`]: '1 1 0 0 0 0' },
    at: '5m',
    expect: { [`up{${L}}`]: 0 },
  },
  {
    alert: 'LoreSyncStale',
    interval: '1m',
    series: { [`lore_sync_last_success_timestamp_seconds{${L}, source="notion"}`]: '0x200', [`lore_sync_interval_seconds{${L}}`]: '3600x200' },
    at: '140m',
    expect: { '{source="notion"}': 8400 },
  },
  {
    alert: 'LoreSyncStale',
    interval: '1m',
    series: { [`lore_sync_last_success_timestamp_seconds{${L}, source="notion"}`]: '0x200', [`lore_sync_interval_seconds{${L}}`]: '3600x200' },
    at: '100m',
    expect: {},
  },
  {
    alert: 'LoreSyncStale',
    interval: '1m',
    series: { [`lore_sync_last_success_timestamp_seconds{${L}, source="notion"}`]: '0x200', [`lore_sync_interval_seconds{${L}}`]: '0x200' },
    at: '190m',
    expect: {},
  },
  {
    alert: 'LoreSyncFailing',
    interval: '1h',
    series: {
      [`lore_sync_runs_total{${L}, source="github", outcome="failed"}`]: '0+1x6',
      [`lore_sync_runs_total{${L}, source="github", outcome="ok"}`]: '0x6',
      [`lore_sync_runs_total{${L}, source="notion", outcome="failed"}`]: '0+1x6',
      [`lore_sync_runs_total{${L}, source="notion", outcome="ok"}`]: '0+1x6',
    },
    at: '5h',
    expect: { '{source="github"}': 3 },
  },
  {
    alert: 'LoreNegativeFeedbackHigh',
    interval: '10m',
    series: {
      [`lore_feedback_total{${L}, platform="slack", rating="down"}`]: '0+1x200',
      [`lore_feedback_total{${L}, platform="slack", rating="up"}`]: '0+1x200',
    },
    at: '1500m',
    expect: { '{}': 0.5 },
  },
  {
    alert: 'LoreNegativeFeedbackHigh',
    interval: '10m',
    series: {
      [`lore_feedback_total{${L}, platform="slack", rating="down"}`]: '0+1x200',
      [`lore_feedback_total{${L}, platform="slack", rating="up"}`]: '0+1x200',
      [`lore_feedback_retracted_total{${L}, platform="slack", rating="down"}`]: '0+1x200',
    },
    at: '1500m',
    expect: {},
  },
  {
    alert: 'LoreNegativeFeedbackHigh',
    interval: '1h',
    series: { [`lore_feedback_total{${L}, platform="slack", rating="down"}`]: '0 1 2 3 4 5 6 7 8 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9' },
    at: '25h',
    expect: {},
  },
  {
    alert: 'LoreHttpErrorRateHigh',
    interval: '1m',
    series: {
      [`lore_http_requests_total{${L}, route="/query", method="POST", status="200"}`]: '0+90x30',
      [`lore_http_requests_total{${L}, route="/query", method="POST", status="500"}`]: '0+10x30',
      [`lore_http_requests_total{${L}, route="/metrics", method="GET", status="200"}`]: '0+1000x30',
    },
    at: '20m',
    expect: { '{}': 0.1 },
  },
  {
    alert: 'LoreBudgetNearlySpent',
    interval: '1m',
    series: { [`lore_budget_spent_usd{${L}}`]: '0.85x20', [`lore_budget_limit_usd{${L}}`]: '1x20' },
    at: '10m',
    expect: { '{}': 0.85 },
  },
  {
    alert: 'LoreBudgetNearlySpent',
    interval: '1m',
    series: { [`lore_budget_spent_usd{${L}}`]: '1.2x20', [`lore_budget_limit_usd{${L}}`]: '1x20' },
    at: '10m',
    expect: {},
  },
  {
    alert: 'LoreBudgetSpent',
    interval: '1m',
    series: { [`lore_budget_spent_usd{${L}}`]: '1.2x20', [`lore_budget_limit_usd{${L}}`]: '1x20' },
    at: '10m',
    expect: { '{}': 1.2 },
  },
  {
    alert: 'LoreBudgetSpent',
    interval: '1m',
    series: { [`lore_budget_spent_usd{${L}}`]: '3x20', [`lore_budget_limit_usd{${L}}`]: '0x20' },
    at: '10m',
    expect: {},
  },
  {
    // A day at 5% abstentions, then two hours at 50%.
    alert: 'LoreAbstentionRateJump',
    interval: '1m',
    series: {
      [`lore_answers_total{${L}, platform="slack", mode="generative", cached="false"}`]: '0+9.5x1380 13115+5x120',
      [`lore_answers_total{${L}, platform="slack", mode="abstained", cached="false"}`]: '0+0.5x1380 695+5x120',
      [`lore_abstentions_total{${L}, platform="slack"}`]: '0+0.5x1380 695+5x120',
    },
    at: '1500m',
    expect: { '{}': 0.5 },
  },
  {
    alert: 'LoreAbstentionRateJump',
    interval: '1m',
    series: {
      [`lore_answers_total{${L}, platform="slack", mode="generative", cached="false"}`]: '0+9.5x1500',
      [`lore_answers_total{${L}, platform="slack", mode="abstained", cached="false"}`]: '0+0.5x1500',
      [`lore_abstentions_total{${L}, platform="slack"}`]: '0+0.5x1500',
    },
    at: '1500m',
    expect: {},
  },
  {
    alert: 'LoreOnlineFaithfulnessLow',
    interval: '1m',
    series: {
      [`lore_online_faithfulness{${L}}`]: '0.7x90',
      [`lore_answers_total{${L}, platform="slack", mode="generative", cached="false"}`]: '0+1x90',
      'lore_online_faithfulness{instance="lore-2:8080", job="lore"}': '0.7x90',
      'lore_answers_total{instance="lore-2:8080", job="lore", platform="slack", mode="generative", cached="false"}': '0x90',
    },
    at: '80m',
    expect: { [`lore_online_faithfulness{${L}}`]: 0.7 },
  },
  {
    alert: 'LoreLlmFallbackRateHigh',
    interval: '1m',
    series: {
      [`lore_answers_total{${L}, platform="slack", mode="extractive", cached="false"}`]: '0+3x40',
      [`lore_answers_total{${L}, platform="slack", mode="generative", cached="false"}`]: '0+7x40',
      [`lore_answers_total{${L}, platform="slack", mode="chitchat", cached="false"}`]: '0+50x40',
      [`lore_errors_total{${L}, kind="llm_fallback"}`]: '0+3x40',
    },
    at: '30m',
    expect: { '{}': 0.3 },
  },
];

promtoolProgram.describe('the alert rules under promtool', () => {
  it('is available (CI installs the prometheus package for it)', () => {
    expect(promtoolProgram.present, `promtool is missing (${promtoolProgram.install}; .ci/run installs it)`).toBe(true);
  });

  it('passes `promtool check rules`, and the dashboard queries parse as PromQL', () => {
    const checked = runPromtool(['check', 'rules', RULES_FILE]);
    expect(checked.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(checked.code).toBe(0);

    // Grafana's variables replaced by what they stand for, each query becomes a recording rule promtool parses.
    const file = path.join(tmp.dir, 'dashboard-queries.yml');
    const queries = dashboardExprs.map((expr, i) => ({
      record: `lore_dashboard:query_${i}`,
      expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*'),
    }));
    fs.writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: queries }] }));
    const parsed = runPromtool(['check', 'rules', file]);
    expect(parsed.output).toMatch(new RegExp(`SUCCESS: ${queries.length} rules found`));
    expect(parsed.code).toBe(0);
  });

  it('fires on the situations the alerts describe and stays quiet otherwise (promtool unit tests of the expressions)', () => {
    const exprOf = (alert: string) => {
      const rule = rules.find((r) => r.alert === alert);
      if (!rule) throw new Error(`no alert ${alert}`);
      return rule.expr.trim();
    };
    const tests = scenarios.map((s) => ({
      interval: s.interval,
      input_series: Object.entries(s.series).map(([series, values]) => ({ series, values })),
      promql_expr_test: [
        { expr: exprOf(s.alert), eval_time: s.at, exp_samples: Object.entries(s.expect).map(([labels, value]) => ({ labels, value })) },
      ],
    }));
    const file = path.join(tmp.dir, 'alert-scenarios.yml');
    // The expressions are tested as given, so no rule file is loaded (evaluating every rule at every step is slow).
    fs.writeFileSync(file, stringify({ rule_files: [], evaluation_interval: '1m', tests }));
    const run = runPromtool(['test', 'rules', file]);
    expect(run.output).toMatch(/SUCCESS/);
    expect(run.code).toBe(0);
  });
});
