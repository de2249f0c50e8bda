// The gate's verdict as JUnit XML (reports/gate.junit.xml): one test per threshold, so CI dashboards show which
// figure blocked a release. promptfoo writes the per-case JUnit report next to it.
import type { Scorecard } from './scorecard.ts';
import { describeCheck } from './format-scorecard.ts';
import type { ThresholdCheck } from './thresholds.ts';

export function gateJunit(scorecard: Scorecard, checks: readonly ThresholdCheck[], durationSeconds: number): string {
  const failures = checks.filter((c) => !c.passed).length;
  const cases = checks.map((check) => {
    const name = `${check.name} ${check.direction} ${check.threshold}`;
    const open = `    <testcase classname="lore.release-gate" name="${escapeXml(name)}" time="0">`;
    if (check.passed) return `${open}<system-out>${escapeXml(describeCheck(check))}</system-out></testcase>`;
    const message = escapeXml(describeCheck(check));
    return `${open}\n      <failure message="${message}" type="threshold">${message}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lore-release-gate" tests="${checks.length}" failures="${failures}" errors="0" time="${durationSeconds.toFixed(1)}">`,
    `  <testsuite name="thresholds (${scorecard.grader} graders, ${scorecard.cases} cases)" tests="${checks.length}" failures="${failures}" errors="0" time="${durationSeconds.toFixed(1)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function escapeXml(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
