import { describe, expect, it } from 'vitest';
import { chitchatReply } from '../../../rag/question/chitchat-reply.ts';
import { detectIntent } from '../../../rag/question/detect-intent.ts';
import { stripMentions } from '../../../rag/question/strip-mentions.ts';

describe('detectIntent', () => {
  it.each([
    'hi',
    'Hello!',
    'hey there 👋',
    'good morning everyone',
    'yo',
    'thanks!',
    'Thank you so much for the help, team :tada:',
    'thx',
    'cheers',
    'much appreciated 🙏🏽',
    'great answer, good bot',
    'that was helpful',
    'bye',
    'see you later',
    'have a nice weekend',
    'who are you?',
    'what can you do?',
    'what is your name',
    'are you a bot?',
    'how are you doing today?',
    "how's it going?",
    'tell me a joke',
    'ok',
    'got it, makes sense',
    'lol',
    'hahaha',
    ':)',
    '👍',
    '🎉🎉',
    '',
    '   ',
    '?!',
    '<@U024BE7LH>',
    '<@U024BE7LH> hey',
    '@lore thanks!',
  ])('treats %j as small talk', (text) => {
    expect(detectIntent(text)).toBe('chitchat');
  });

  it.each([
    'hi, how do I deploy?',
    'thanks! what about staging?',
    'Hello, where is the onboarding checklist?',
    'good morning! who owns the billing service?',
    'explain the release process',
    'list the on-call rotations',
    'How do I sync Notion?',
    'What is the status of the release?',
    'help me understand the deploy pipeline',
    'k8s?',
    'kubernetes',
    'no deploys on Friday?',
    'how are you supposed to rotate API keys?',
    'what can you do about flaky CI?',
    'who are you supposed to ask for VPN access?',
    'ok so how do I get VPN access',
    'Is Lore down?',
    '<@U024BE7LH> where are the design docs?',
  ])('treats %j as a question', (text) => {
    expect(detectIntent(text)).toBe('question');
  });
});

describe('chitchatReply', () => {
  it('answers each kind of small talk in kind and says what Lore does', () => {
    expect(chitchatReply('hi!')).toMatch(/^Hi!/);
    expect(chitchatReply('who are you?')).toMatch(/I'm Lore/);
    expect(chitchatReply('thanks!')).toMatch(/welcome/i);
    expect(chitchatReply('bye')).toMatch(/^Bye/);
    for (const text of ['hi', 'who are you?', 'what can you do?', 'how are you?', '👋', '']) {
      expect(chitchatReply(text)).toMatch(/knowledge base/);
    }
  });

  it('is short', () => {
    for (const text of ['hi', 'thanks', 'who are you', 'ok', 'bye', 'tell me a joke']) expect(chitchatReply(text).length).toBeLessThan(300);
  });
});

describe('stripMentions', () => {
  it('removes Slack and Discord mentions and addresses to the bot', () => {
    expect(stripMentions('<@U024BE7LH> how do I deploy?')).toBe('how do I deploy?');
    expect(stripMentions('<@!123456789> <@&42> hi')).toBe('hi');
    expect(stripMentions('@Lore: status')).toBe('status');
    expect(stripMentions('Lore, what is SSO?')).toBe('what is SSO?');
    expect(stripMentions('hey @lore what is SSO?')).toBe('hey what is SSO?');
  });

  it('keeps the bot name where it is the topic', () => {
    expect(stripMentions('Is Lore down?')).toBe('Is Lore down?');
    expect(stripMentions('Lore is slow today')).toBe('Lore is slow today');
  });
});
