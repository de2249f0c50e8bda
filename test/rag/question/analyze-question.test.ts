import { describe, expect, it } from 'vitest';
import { stemLite } from '../../../rag/cite/content-terms.ts';
import { analyzeQuestion, comparedParts, expandShorthand } from '../../../rag/question/analyze-question.ts';

describe('analyzeQuestion answer types', () => {
  it('reads "when" as asking for a time', () => {
    expect(analyzeQuestion('When is the open enrollment deadline?').type).toBe('time');
  });

  it('reads "when" after a chat preamble as asking for a time, and a scene-setting "when" as not', () => {
    expect(analyzeQuestion('new hire here - when do i actually get my first paycheck?').type).toBe('time');
    expect(analyzeQuestion('quick q: when is the expense report due').type).toBe('time');
    expect(analyzeQuestion('how do i restart the worker when the queue stalls?').type).toBe('steps');
  });

  it('reads "how many weeks" as a quantity counting weeks', () => {
    const analysis = analyzeQuestion('How many weeks of parental leave do we get?');
    expect(analysis.type).toBe('quantity');
    expect(analysis.parts[0]?.unit).toBe('week');
  });

  it('takes the counted thing as the last word before the verb ("paid federal holidays" counts holidays)', () => {
    const analysis = analyzeQuestion('how many paid federal holidays do we get');
    expect(analysis.type).toBe('quantity');
    expect(analysis.parts[0]?.unit).toBe('holiday');
  });

  it('reads "how much paid leave" as a quantity in any unit: leave is measured in weeks, not counted in leaves', () => {
    const analysis = analyzeQuestion('how much paid leave will i get?');
    expect(analysis.type).toBe('quantity');
    expect(analysis.parts[0]?.unit).toBeUndefined();
  });

  it('leaves "having", "being" and "getting" out of the focus: they frame the question, not its subject', () => {
    expect(analyzeQuestion('having a baby soon, getting paid leave?').focus).toEqual(['baby', 'paid', 'leav']);
  });

  it('keeps "keep" in the focus when it asks about keeping, not when it says that something goes on or stays so', () => {
    expect(analyzeQuestion('which travel receipts do i need to keep').focus).toEqual(['travel', 'receipt', 'keep']);
    expect(analyzeQuestion('the build keeps failing on main').focus).toEqual(['build', 'fail', 'main']);
    expect(analyzeQuestion('how often do i log in to keep it active').focus).toEqual(['log', 'activ']);
  });

  it('reads "id" as the name of an id, and as chat\'s "I\'d" only before the verb that follows it', () => {
    expect(analyzeQuestion('How is a chunk id built?').focus).toEqual(['chunk', 'id', 'built']);
    expect(analyzeQuestion('id like to know the leave policy').focus).toEqual(['leav', 'policy']);
  });

  it('tells a question naming several of what it asks for from one naming one', () => {
    expect(analyzeQuestion('what order does it check sources in by default').several).toBe(true);
    expect(analyzeQuestion('minimum bun version hono supports?').several).toBe(false);
    expect(analyzeQuestion('whats the max upload size').several).toBe(false);
  });

  it('reads "how often" as asking for a time (a frequency)', () => {
    expect(analyzeQuestion('How often are performance reviews held?').type).toBe('time');
  });

  it('reads "who do I ask" as asking for a person', () => {
    expect(analyzeQuestion('Who do I ask about expense reports?').type).toBe('person');
  });

  it('reads "where" as asking for a place', () => {
    expect(analyzeQuestion('Where is the mail room?').type).toBe('place');
  });

  it('reads "what\'s the default X" as asking for a value', () => {
    expect(analyzeQuestion("what's the default timeout for the client?").type).toBe('value');
  });

  it('reads "what X are we supposed to use" as asking for a thing named', () => {
    expect(analyzeQuestion('what pw manager are we supposed to use?').type).toBe('name');
    expect(analyzeQuestion('which vpn client should i use on linux').type).toBe('name');
    expect(analyzeQuestion('what do we use the sandbox for?').type).not.toBe('name');
  });

  it('reads "how do I" as asking for steps', () => {
    expect(analyzeQuestion('How do I reset my badge PIN?').type).toBe('steps');
  });

  it('reads a yes/no question as asking for any statement', () => {
    expect(analyzeQuestion('Can contractors use the gym?').type).toBe('statement');
  });
});

describe('analyzeQuestion help and helpers', () => {
  it('drops a request for help but keeps a helper the question asks about', () => {
    expect(analyzeQuestion('is there a helper to get the client ip address?').focus).toEqual(['help', 'client', 'ip', 'address']);
    expect(analyzeQuestion('can you help me reset my password').focus).toEqual(['reset', 'password']);
    expect(analyzeQuestion('who helps with expense reports?').focus).toEqual(['expens', 'report']);
  });
});

describe('analyzeQuestion chat shorthand', () => {
  it('expands yrs to years and pw to password', () => {
    expect(expandShorthand('how many yrs until my pw expires')).toBe('how many years until my password expires');
  });

  it('reads min after a number as minutes and elsewhere as minimum', () => {
    expect(expandShorthand('zoom kicks me out at 40 min')).toBe('zoom kicks me out at 40 minutes');
    expect(expandShorthand("what's the min password length")).toBe("what's the minimum password length");
  });

  it('reads hr after a number or "per" as hours and elsewhere as HR, the people team', () => {
    expect(expandShorthand('i worked 2 hr extra, 40 per hr')).toBe('i worked 2 hour extra, 40 per hour');
    expect(expandShorthand('what do i need to do in hr links vs tock? ask hr?')).toBe('what do i need to do in hr links vs tock? ask hr?');
    expect(expandShorthand('how many billable hrs do i need')).toBe('how many billable hours do i need');
  });

  it('leaves a name in code as the code spells it', () => {
    expect(expandShorthand('why is c.req.header() empty, and what does max(1, 2) return')).toBe(
      'why is c.req.header() empty, and what does max(1, 2) return',
    );
    expect(expandShorthand('zoom kicks me out at 40 min.')).toBe('zoom kicks me out at 40 minutes.');
  });

  it('leaves a part of a hyphenated name alone', () => {
    expect(expandShorthand("what's the default Access-Control-Max-Age and the x-req-id header")).toBe(
      "what's the default Access-Control-Max-Age and the x-req-id header",
    );
    expect(expandShorthand('max - 3 per wk')).toBe('maximum - 3 per week');
  });

  it('counts the expanded word as the unit and the focus', () => {
    const analysis = analyzeQuestion('how many yrs before a sabbatical');
    expect(analysis.parts[0]?.unit).toBe('year');
    expect(analyzeQuestion('how do I reset my pw').focusWords.get('password')).toBe('password');
  });
});

describe('analyzeQuestion multi-part questions', () => {
  it('splits "how many weeks off is it and how many yrs between them" into two quantity parts', () => {
    const analysis = analyzeQuestion('how many weeks off is it and how many yrs between them');
    expect(analysis.parts).toHaveLength(2);
    expect(analysis.parts.map((part) => part.type)).toEqual(['quantity', 'quantity']);
    expect(analysis.parts.map((part) => part.unit)).toEqual(['week', 'year']);
  });

  it('splits off "and to who" as a part asking for a person about the same subject', () => {
    const analysis = analyzeQuestion('how fast do i have to report a security incident and to who');
    expect(analysis.parts.map((part) => [part.text, part.type])).toEqual([
      ['how fast do i have to report a security incident', 'quantity'],
      ['to who', 'person'],
    ]);
  });

  it('keeps every part that only asks ("who? where? when?"), however many came before it', () => {
    const parts = analyzeQuestion('the offsite backups - who? where? when?').parts.map((part) => part.text);
    expect(parts).toHaveLength(3);
    expect(parts).toContain('when');
  });

  it('keeps a simple question as one part', () => {
    expect(analyzeQuestion('When do deploys happen?').parts).toHaveLength(1);
  });
});

describe('analyzeQuestion focus', () => {
  it('leaves filler and framing words out of the focus', () => {
    const { focus } = analyzeQuestion('hey, what are the rules for using the shuttle bus actually?');
    expect(focus).toContain(stemLite('shuttle'));
    expect(focus).toContain(stemLite('bus'));
    for (const filler of ['hey', 'rules', 'actually', 'what', 'the']) expect(focus).not.toContain(stemLite(filler));
  });

  it('leaves the measure asked for after "how" out of the focus, and keeps the same word as a subject', () => {
    const { focus } = analyzeQuestion('how fast do i have to report a security incident');
    expect(focus).not.toContain(stemLite('fast'));
    expect(analyzeQuestion('how long before comp time expires').focus).not.toContain(stemLite('before'));
    expect(analyzeQuestion('what is the limit for large uploads').focus).toContain(stemLite('large'));
  });

  it('leaves where the asker expects the answer ("according to the documentation") out of the focus', () => {
    expect(analyzeQuestion('According to the Anthropic documentation, where can you view your rate limits?').focus).toEqual(
      analyzeQuestion('where can you view your rate limits?').focus,
    );
    expect(analyzeQuestion('what size numbers do they give in the docs').focus).not.toContain('doc');
    expect(analyzeQuestion('what size numbers do the docs give').focus).not.toContain('doc');
    expect(analyzeQuestion('what does the handbook say about parking?').focus).toEqual([stemLite('parking')]);
    expect(analyzeQuestion("what are two ways to try Claude, according to Anthropic's documentation?").focus).toEqual(
      analyzeQuestion('what are two ways to try Claude?').focus,
    );
    expect(analyzeQuestion('where is the API documentation?').focus).toContain(stemLite('documentation'));
  });

  it('reads the verbs the question uses with a particle ("turn off", "log in"), but not a verb with its preposition', () => {
    expect(analyzeQuestion('how do i turn off the colored status codes?').phrasal).toEqual([
      { verb: stemLite('turn'), particle: 'off', means: [stemLite('disable'), stemLite('deactivate')] },
    ]);
    expect(analyzeQuestion('how often do i need to log in to keep it active').phrasal).toEqual([
      { verb: stemLite('log'), particle: 'in', means: [] },
    ]);
    expect(analyzeQuestion('posted in the wrong slack channel — can i delete it?').phrasal).toEqual([]);
    expect(analyzeQuestion('do i have to report it?').phrasal).toEqual([]);
  });

  it("sets apart the asker's circumstances told before the question, but not a topic named before it", () => {
    const { situation, focus } = analyzeQuestion('adopting a kitten in june — how long can i work from home, and who approves it?');
    expect(situation).toEqual(expect.arrayContaining([stemLite('adopting'), stemLite('kitten'), stemLite('june')]));
    expect(situation).not.toContain(stemLite('home'));
    expect(focus).toContain(stemLite('kitten'));
    expect(analyzeQuestion("i'm on call this week: who covers the pager?").situation).toContain(stemLite('call'));
    expect(analyzeQuestion('router presets — which one is the smallest?').situation).toEqual([]);
    expect(analyzeQuestion('streaming responses — how do i flush early?').situation).toEqual([]);
    expect(analyzeQuestion('how long can i work from home?').situation).toEqual([]);
  });

  it('sets apart what the asker wants a thing for, when asking leave to use it ("to demo…"), but not where it goes', () => {
    expect(analyzeQuestion('can i use ngrok to demo my local app to a partner?').situation).toEqual(['demo', 'local', 'app', stemLite('partner')]);
    expect(analyzeQuestion('quick q: may we install docker to run the tests?').situation).toEqual(['run', 'test']);
    expect(analyzeQuestion('can i bring my dog to the office?').situation).toEqual([]);
    expect(analyzeQuestion('which preset should i use for workers?').situation).toEqual([]);
  });

  it('leaves "vs" and what is left of "isn\'t" or "don\'t" out of the focus', () => {
    const { focus } = analyzeQuestion("testClient isn't giving me autocomplete, don't know why: rpc vs fetch?");
    for (const word of ['isn', 'don', 'vs']) expect(focus).not.toContain(word);
    expect(focus).toContain(stemLite('autocomplete'));
  });

  it('lists each focus stem once, in order', () => {
    const { focus } = analyzeQuestion('shuttle schedule: does the shuttle run on weekends?');
    const shuttle = stemLite('shuttle');
    expect(focus.filter((term) => term === shuttle)).toHaveLength(1);
    expect(focus.indexOf(shuttle)).toBeLessThan(focus.indexOf(stemLite('weekends')));
    expect(focus.indexOf(shuttle)).toBeGreaterThanOrEqual(0);
  });
});

describe('analyzeQuestion on comparisons and attributes', () => {
  it('asks one question per thing compared or listed', () => {
    const versus = analyzeQuestion('serveStatic import for node vs bun?');
    expect(versus.parts).toHaveLength(2);
    expect(versus.parts[0]?.focus).toContain('node');
    expect(versus.parts[0]?.focus).not.toContain('bun');
    expect(versus.parts[1]?.focus).toContain('bun');
    const listed = analyzeQuestion('default dev server port for bun, deno and cloudflare workers?');
    expect(listed.parts.map((part) => part.focus.includes('deno'))).toEqual([false, true, false]);
    const repeated = analyzeQuestion('new hire: deadlines to sign up for health insurance and for FSA?');
    expect(repeated.parts.map((part) => [part.type, part.focus.includes('fsa'), part.focus.includes('insuranc')])).toEqual([
      ['time', false, true],
      ['time', true, false],
    ]);
    expect(analyzeQuestion('how do i sign up for health insurance and dental?').parts).toHaveLength(1);
  });

  it('reads the absence of a thing as no second thing to compare ("compared to not using a role prompt")', () => {
    expect(comparedParts('how does a role prompt improve the contract analysis compared to not using a role prompt?')).toEqual([]);
    expect(comparedParts('is the api faster with or without caching?')).toEqual([]);
  });

  it('notes the attribute asked of the subject: a default, a maximum or a minimum', () => {
    expect(analyzeQuestion("what's the default level of the compress middleware?").parts[0]?.attribute).toBe('default');
    expect(analyzeQuestion('whats the max annual leave i can carry over').parts[0]?.attribute).toBe('maximum');
    expect(analyzeQuestion('what is the minimum password length').parts[0]?.attribute).toBe('minimum');
    expect(analyzeQuestion('how do i rotate the staging key').parts[0]?.attribute).toBeUndefined();
  });

  it('reads "when …, what …" as the question after the comma, not as a question about time', () => {
    expect(analyzeQuestion('When the response stops with tool_use, what should be done next?').type).not.toBe('time');
    expect(analyzeQuestion('when is the self-assessment due?').type).toBe('time');
  });
});
