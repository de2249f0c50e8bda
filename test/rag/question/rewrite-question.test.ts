import { describe, expect, it } from 'vitest';
import { detectFollowUp } from '../../../rag/question/detect-follow-up.ts';
import { areParallel } from '../../../rag/question/parallel-terms.ts';
import { rewriteFollowUp } from '../../../rag/question/rewrite-follow-up.ts';
import { HeuristicRewriter } from '../../../rag/question/rewrite-question.ts';
import type { ThreadMessage } from '../../../rag/types.ts';

const user = (text: string): ThreadMessage => ({ role: 'user', text });
const bot = (text: string): ThreadMessage => ({ role: 'assistant', text });

describe('detectFollowUp', () => {
  it.each([
    ['and for Discord?', 'Discord'],
    ['what about staging?', 'staging'],
    ['How about the mobile app?', 'mobile app'],
    ['thanks! what about production?', 'production'],
    ['same for GitHub', 'GitHub'],
    ['on Windows?', 'Windows'],
    ['Discord?', 'Discord'],
    ['and 2024?', '2024'],
  ])('reads %j as an ellipsis focused on %j', (question, focus) => {
    expect(detectFollowUp(question)).toEqual({ kind: 'elliptical', focus });
  });

  it.each([
    'how do I configure it?',
    'Who maintains them?',
    'What are its limits?',
    'is that documented?',
    'who wrote that?',
    'where are those steps?',
  ])('reads %j as pointing back', (question) => {
    expect(detectFollowUp(question).kind).toBe('anaphoric');
  });

  it('reports pronoun offsets against the question as given', () => {
    const question = 'ok, thanks. And how do I configure it?';
    const followUp = detectFollowUp(question);
    expect(followUp.kind).toBe('anaphoric');
    if (followUp.kind !== 'anaphoric') return;
    expect(followUp.pronouns.map((p) => question.slice(p.start, p.end))).toEqual(['it']);
  });

  it.each(['why?', 'more details please', 'examples?', 'and then?', 'really?', 'and how long?'])('reads %j as vague', (question) => {
    expect(detectFollowUp(question).kind).toBe('vague');
  });

  it.each([
    'How do I rotate the Stripe webhook secret?',
    'Is it possible to deploy on Fridays?',
    'It is recommended to pin versions?',
    'Is there a doc that explains SSO setup?',
    'What changed this week in the billing service?',
    'And how do I rotate the Stripe webhook signing secret?',
    'explain the release process',
  ])('reads %j as standalone', (question) => {
    expect(detectFollowUp(question)).toEqual({ kind: 'standalone' });
  });
});

describe('areParallel', () => {
  it('pairs alternatives of the same kind and nothing else', () => {
    expect(areParallel('Discord', 'slack')).toBe(true);
    expect(areParallel('production', 'staging')).toBe(true);
    expect(areParallel('2024', '2023')).toBe(true);
    expect(areParallel('v2.1', '1.9.0')).toBe(true);
    expect(areParallel('slack', 'Slack')).toBe(false);
    expect(areParallel('slack', 'staging')).toBe(false);
    expect(areParallel('install', 'app')).toBe(false);
  });
});

describe('rewriteFollowUp', () => {
  it('swaps the parallel term into the previous question', () => {
    expect(rewriteFollowUp('and for Discord?', [user('How do I install the Slack app?'), bot('Open the App Directory… [1]')])).toEqual({
      text: 'How do I install the Discord app?',
      rule: 'slot',
      previous: 'How do I install the Slack app?',
    });
    expect(rewriteFollowUp('and production?', [user('How do I deploy to staging?')]).text).toBe('How do I deploy to production?');
    expect(rewriteFollowUp('thanks! what about production?', [user('How do I deploy to staging?')]).text).toBe('How do I deploy to production?');
    expect(rewriteFollowUp('and 2024?', [user('What were the Q3 goals in 2023?')]).text).toBe('What were the Q3 goals in 2024?');
  });

  it('swaps a name for the one name in the previous question', () => {
    expect(rewriteFollowUp('and Bob?', [user("What's Alice's phone number?")]).text).toBe("What's Bob's phone number?");
  });

  it('resolves a chain of follow-ups against the resolved previous one', () => {
    const history = [user('How do I install the Slack app?'), bot('…'), user('and for Discord?'), bot('…')];
    expect(rewriteFollowUp('what about Teams?', history).text).toBe('How do I install the Teams app?');
  });

  it('replaces pronouns with the subject of a question about a thing', () => {
    expect(rewriteFollowUp('who maintains it?', [user('What is Renovate?')])).toMatchObject({ text: 'who maintains Renovate?', rule: 'pronoun' });
    expect(rewriteFollowUp('What are its limits?', [user('What is Renovate?')]).text).toBe("What are Renovate's limits?");
    expect(rewriteFollowUp('It runs nightly?', [user('Tell me about the backup job')]).text).toBe('The backup job runs nightly?');
    expect(rewriteFollowUp('who wrote that?', [user('Where is the deploy runbook documented?')]).text).toBe('who wrote the deploy runbook?');
  });

  it("carries the previous question's topic when a clean rewrite is uncertain", () => {
    // "it" could be the app or the installing: both words go along.
    expect(rewriteFollowUp('How long does it take?', [user('How do I install the Slack app?')])).toMatchObject({
      text: 'How long does it take? install Slack app',
      rule: 'carry',
    });
    expect(rewriteFollowUp('why?', [user('How do I install the Slack app?')]).text).toBe('why? install Slack app');
    // The focus adds something new ("bots"), so it is not a swap.
    expect(rewriteFollowUp('what about Discord bots?', [user('How do I install the Slack app?')]).text).toBe(
      'what about Discord bots? install Slack app',
    );
    expect(rewriteFollowUp('what about holidays?', [user('What is the on-call policy?')]).text).toBe('what about holidays? on-call policy');
  });

  it('returns a standalone question unchanged', () => {
    const history = [user('How do I install the Slack app?'), bot('…')];
    for (const question of ['How do I rotate the Stripe webhook secret?', 'Is it possible to deploy on Fridays?', 'Where is the VPN guide?']) {
      expect(rewriteFollowUp(question, history)).toEqual({ text: question, rule: 'standalone' });
    }
  });

  it('returns the question unchanged without an earlier question in the thread', () => {
    expect(rewriteFollowUp('and for Discord?', [])).toEqual({ text: 'and for Discord?', rule: 'no-history' });
    expect(rewriteFollowUp('and for Discord?', [bot('Hi! I am Lore.')])).toEqual({ text: 'and for Discord?', rule: 'no-history' });
    // Small talk in the thread is not a topic.
    expect(rewriteFollowUp('and for Discord?', [user('hi'), user('thanks!')]).rule).toBe('no-history');
  });

  it('ignores the question itself when the adapter included it in the history', () => {
    const history = [user('How do I install the Slack app?'), user('<@U1> and for Discord?')];
    expect(rewriteFollowUp('and for Discord?', history).text).toBe('How do I install the Discord app?');
  });

  it('strips mentions from the thread before reading it', () => {
    expect(rewriteFollowUp('<@U1> and for Discord?', [user('<@U1> How do I install the Slack app?')]).text).toBe('How do I install the Discord app?');
  });
});

describe('HeuristicRewriter', () => {
  it('implements QuestionRewriter without a model or usage', async () => {
    const result = await new HeuristicRewriter().rewrite('and for Discord?', [user('How do I install the Slack app?')]);
    expect(result).toEqual({ text: 'How do I install the Discord app?', rule: 'slot' });
  });
});
