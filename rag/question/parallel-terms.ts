// "How do I install the Slack app?" → "and for Discord?": the follow-up swaps one term of the previous question for
// a term of the same kind. These groups say which terms are alternatives to each other in team knowledge.
const GROUPS: readonly string[] = [
  // chat and collaboration tools
  'slack discord teams mattermost zoom notion github gitlab bitbucket jira confluence linear asana trello figma ' +
    'sentry datadog grafana pagerduty opsgenie okta 1password vercel netlify heroku',
  // environments
  'staging production prod dev development qa sandbox local preview canary',
  // platforms
  'mac macos osx windows linux ubuntu debian ios android web mobile desktop browser chrome firefox safari',
  // teams and functions
  'frontend backend fullstack mobile web infra infrastructure platform design sales marketing support engineering product ' +
    'devops sre security legal finance hr ops operations recruiting',
  // clouds
  'aws gcp azure cloudflare digitalocean',
  // languages and runtimes (not "go": far more often the verb)
  'python typescript javascript golang java kotlin swift rust ruby php scala elixir c# c++ node deno bun',
  // data stores and queues
  'postgres postgresql mysql mariadb sqlite redis mongodb dynamodb elasticsearch opensearch kafka rabbitmq sqs bigquery snowflake',
  // calendar (not "may": far more often the verb)
  'january february march april june july august september october november december ' + 'jan feb mar apr jun jul aug sep sept oct nov dec',
  'monday tuesday wednesday thursday friday saturday sunday weekday weekdays weekend weekends',
  'q1 q2 q3 q4 h1 h2',
  // roles
  'engineer engineers manager managers designer designers intern interns contractor contractors admin admins employee employees',
];

const GROUP_OF = new Map<string, number[]>();
GROUPS.forEach((group, index) => {
  for (const word of group.split(' ')) GROUP_OF.set(word, [...(GROUP_OF.get(word) ?? []), index]);
});

const YEAR = /^(?:19|20)\d\d$/;
const VERSION = /^v?\d+(?:\.\d+)+$|^v\d+$/;

/** True when two different words are alternatives of the same kind (Slack/Discord, staging/production, 2023/2024). */
export function areParallel(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return false;
  if ((YEAR.test(x) && YEAR.test(y)) || (VERSION.test(x) && VERSION.test(y))) return true;
  const groups = GROUP_OF.get(y) ?? [];
  return (GROUP_OF.get(x) ?? []).some((group) => groups.includes(group));
}
