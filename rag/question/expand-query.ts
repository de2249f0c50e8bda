// Query expansion for recall: teams write "k8s" in one doc and "Kubernetes" in the next, and stemming cannot
// join an abbreviation to its long form. Only abbreviations and true synonyms are listed: an expansion is
// searched with less weight than the question, but a loose "synonym" still pulls in off-topic passages.

/** Groups of interchangeable terms; a question using one of them is also searched with the others. */
export type SynonymGroups = readonly (readonly string[])[];

export const TEAM_SYNONYMS: SynonymGroups = [
  ['k8s', 'kubernetes'],
  ['PR', 'pull request', 'merge request'],
  ['repo', 'repository'],
  ['docs', 'documentation'],
  ['auth', 'authentication'],
  ['authz', 'authorization'],
  ['config', 'configuration'],
  ['env', 'environment'],
  ['env vars', 'environment variables'],
  ['prod', 'production'],
  ['dev', 'development'],
  ['db', 'database'],
  ['CI', 'continuous integration'],
  ['CI/CD', 'continuous integration', 'continuous deployment'],
  ['infra', 'infrastructure'],
  ['perms', 'permissions'],
  ['creds', 'credentials'],
  ['deps', 'dependencies'],
  ['SSO', 'single sign-on'],
  ['MFA', 'multi-factor authentication', '2FA', 'two-factor authentication'],
  ['on-call', 'oncall'],
  ['PTO', 'paid time off', 'time off'],
  ['WFH', 'work from home', 'remote work'],
  ['eng', 'engineering'],
  ['ops', 'operations'],
  ['JS', 'JavaScript'],
  ['TS', 'TypeScript'],
  ['py', 'Python'],
  ['gh', 'GitHub'],
  ['DM', 'direct message'],
  ['msg', 'message'],
  ['app', 'application'],
  ['FAQ', 'frequently asked questions'],
  ['SLA', 'service level agreement'],
  ['SLO', 'service level objective'],
  ['RFC', 'request for comments'],
  ['ADR', 'architecture decision record'],
  ['OKR', 'objectives and key results'],
  ['KPI', 'key performance indicator'],
  ['IAM', 'identity and access management'],
  ['e2e', 'end-to-end'],
  ['QA', 'quality assurance'],
  ['UI', 'user interface'],
  ['UX', 'user experience'],
  ['VM', 'virtual machine'],
  ['CLI', 'command line'],
  ['postmortem', 'post-mortem', 'incident review'],
];

const MAX_EXPANSIONS = 10;

/** Punctuation inside a term ("single sign-on", "on-call") matches any punctuation or space in the question. */
function normalize(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}+#/&]+/gu, ' ')
    .trim()} `;
}

/** Other names for the terms in `text` (never `text` itself, nor a term already in it), in table order. */
export function expandQuery(text: string, groups: SynonymGroups = TEAM_SYNONYMS): string[] {
  const question = normalize(text);
  const expansions: string[] = [];
  const seen = new Set<string>();
  for (const group of groups) {
    const forms = group.map((form) => ({ form, key: normalize(form) }));
    if (!forms.some(({ key }) => question.includes(key))) continue;
    for (const { form, key } of forms) {
      if (question.includes(key) || seen.has(key)) continue;
      seen.add(key);
      expansions.push(form);
    }
  }
  return expansions.slice(0, MAX_EXPANSIONS);
}
