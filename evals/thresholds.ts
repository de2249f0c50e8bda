// The release thresholds (evals/thresholds.json, or `lore eval --thresholds FILE`) and the check of a scorecard
// against them. Quality figures must reach their bar (`atLeast`); cost and latency must stay under theirs (`below`).
// A gated metric that no case measured fails: the golden set lost the cases that exercise it.
import fs from 'node:fs';
import { z } from 'zod';
import { METRIC_NAMES, type MetricName } from './metrics.ts';
import type { Scorecard } from './scorecard.ts';
import { LoreError } from '../rag/errors.ts';

export const LIMIT_NAMES = ['mean-cost-usd', 'max-cost-usd', 'p95-latency-ms'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
export type QualityName = MetricName | 'pass-rate';

export interface Thresholds {
  atLeast: Partial<Record<QualityName, number>>;
  below: Partial<Record<LimitName, number>>;
}

export class ThresholdsError extends LoreError {
  override readonly code: string = 'invalid_thresholds';
  override name = 'ThresholdsError';
}

export const share = z
  .number({ message: 'must be a number' })
  .min(0, { message: 'must be between 0 and 1' })
  .max(1, { message: 'must be between 0 and 1' });
export const positive = z.number({ message: 'must be a number' }).positive({ message: 'must be positive' });

const schema = z
  .object({
    $comment: z.string().optional(),
    atLeast: z.strictObject(Object.fromEntries([...METRIC_NAMES, 'pass-rate'].map((name) => [name, share.optional()]))).default({}),
    below: z.strictObject(Object.fromEntries(LIMIT_NAMES.map((name) => [name, positive.optional()]))).default({}),
  })
  .strict();

/** Parses with a zod schema; the first problem becomes a ThresholdsError naming the origin, the key and the reason. */
export function parseWith<T>(schema: z.ZodType<T>, raw: unknown, origin: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    const keys = issue?.code === 'unrecognized_keys' ? ` ${issue.keys.map((k) => `"${k}"`).join(', ')}` : '';
    throw new ThresholdsError(`${origin}: ${where}${keys}: ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}

export function parseThresholds(raw: unknown, origin: string): Thresholds {
  const { atLeast, below } = parseWith(schema, raw, origin);
  const thresholds: Thresholds = { atLeast: definedOnly(atLeast) as Thresholds['atLeast'], below: definedOnly(below) as Thresholds['below'] };
  if (Object.keys(thresholds.atLeast).length + Object.keys(thresholds.below).length === 0) {
    throw new ThresholdsError(`${origin}: sets no threshold at all`);
  }
  return thresholds;
}

export function loadThresholds(file: string): Thresholds {
  return parseThresholds(readThresholdsJson(file), file);
}

/** The JSON of a thresholds file; unreadable or invalid JSON is a ThresholdsError naming the file. */
export function readThresholdsJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ThresholdsError(`thresholds file ${file} cannot be read: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ThresholdsError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return raw;
}

export interface ThresholdCheck<Name extends string = QualityName | LimitName> {
  name: Name;
  direction: 'at least' | 'below';
  threshold: number;
  /** null when nothing measured it. */
  actual: number | null;
  passed: boolean;
}

export function checkThresholds(scorecard: Scorecard, thresholds: Thresholds): ThresholdCheck[] {
  const checks: ThresholdCheck[] = [];
  for (const [name, threshold] of Object.entries(thresholds.atLeast) as [QualityName, number][]) {
    const actual = name === 'pass-rate' ? scorecard.passRate : (scorecard.metrics[name]?.mean ?? null);
    checks.push({ name, direction: 'at least', threshold, actual, passed: actual !== null && actual >= threshold });
  }
  for (const [name, threshold] of Object.entries(thresholds.below) as [LimitName, number][]) {
    const actual = limitValue(scorecard, name);
    checks.push({ name, direction: 'below', threshold, actual, passed: actual !== null && actual < threshold });
  }
  return checks;
}

function limitValue(scorecard: Scorecard, name: LimitName): number | null {
  if (scorecard.cases === scorecard.errors) return null;
  switch (name) {
    case 'mean-cost-usd':
      return scorecard.costUsd.mean;
    case 'max-cost-usd':
      return scorecard.costUsd.max;
    case 'p95-latency-ms':
      return scorecard.latencyMs.p95;
  }
}

export function definedOnly<T>(record: Record<string, T | undefined>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Record<string, T>;
}
