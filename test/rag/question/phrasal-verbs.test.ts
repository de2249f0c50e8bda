import { describe, expect, it } from 'vitest';
import { stemLite } from '../../../rag/cite/content-terms.ts';
import { formalVerbsIn, phrasalVerbsOf } from '../../../rag/question/phrasal-verbs.ts';

describe('phrasalVerbsOf', () => {
  it('gives the verb documents write for a phrasal verb of chat', () => {
    expect(phrasalVerbsOf('do i have to come back after leave?')).toEqual([{ verb: 'come', particle: 'back', means: ['return'] }]);
    expect(phrasalVerbsOf('deadline to sign up for dental?')).toContainEqual(
      expect.objectContaining({ verb: 'sign', particle: 'up', means: expect.arrayContaining([stemLite('enroll'), stemLite('register')]) }),
    );
  });

  it('knows the verb in any of its forms, and with a word between it and its particle', () => {
    expect(phrasalVerbsOf('she came back on monday').map(({ verb, particle }) => `${verb} ${particle}`)).toContain('come back');
    expect(phrasalVerbsOf('how do i turn it off?').map(({ verb, particle }) => `${verb} ${particle}`)).toContain('turn off');
    expect(phrasalVerbsOf('who signed off on the release?').find(({ particle }) => particle === 'off')?.means).toContain(stemLite('approve'));
  });

  it('finds none where the particle is a preposition of place or the verb stands alone', () => {
    expect(phrasalVerbsOf('can i bring my dog to the office?')).toEqual([]);
    expect(phrasalVerbsOf('how do i report an incident?')).toEqual([]);
  });

  it('reads a phrasal verb of a passage as the verb it stands for ("signs off" approves)', () => {
    expect(formalVerbsIn('A release manager signs off each step.')).toContain(stemLite('approve'));
    expect(formalVerbsIn('The release manager approves each step.')).toEqual([]);
  });

  it("takes words that name an object's own properties for words ('constructor', 'toString')", () => {
    expect(phrasalVerbsOf('why is the constructor called twice, and does toString show it?')).toEqual([]);
    expect(formalVerbsIn('Call the constructor, then valueOf and hasOwnProperty.')).toEqual([]);
  });
});
