import { describe, expect, it } from 'vitest';
import { holdsAnswerType, statesAttribute, statesOutright } from '../../../rag/generate/answer-type.ts';

describe('holdsAnswerType quantity', () => {
  it('finds a number of the unit asked for ("6-week paid sabbatical" holds weeks)', () => {
    expect(holdsAnswerType('quantity', 'Staff get a 6-week paid sabbatical.', 'week')).toBe(true);
  });

  it('does not take a number of something else as a count of the unit ("8 hours for the paid holiday")', () => {
    expect(holdsAnswerType('quantity', 'You are paid 8 hours for the paid holiday.', 'holiday')).toBe(false);
  });

  it('does not take a number after the unit as its count when the number counts a unit of its own', () => {
    expect(holdsAnswerType('quantity', 'Your holiday moves one day earlier.', 'holiday')).toBe(false);
    expect(holdsAnswerType('quantity', 'Holidays observed: 11', 'holiday')).toBe(true);
  });

  it('takes a count of the unit written as a word', () => {
    expect(holdsAnswerType('quantity', 'We observe eleven paid holidays each year.', 'holiday')).toBe(true);
  });

  it('needs some number when no unit is named', () => {
    expect(holdsAnswerType('quantity', 'The upload limit is 25 MB.')).toBe(true);
    expect(holdsAnswerType('quantity', 'Uploads are limited.')).toBe(false);
  });

  it('needs a number that measures something when no unit is named, not a number that is part of a name', () => {
    expect(holdsAnswerType('quantity', 'The agency matches up to 5% of your pay.')).toBe(true);
    expect(holdsAnswerType('quantity', 'You get twelve weeks of paid leave.')).toBe(true);
    expect(holdsAnswerType('quantity', 'Plans like a 401k or 403b count toward the annual limit.')).toBe(false);
  });
});

describe('holdsAnswerType time', () => {
  it('accepts a frequency word', () => {
    expect(holdsAnswerType('time', 'Payroll runs monthly.')).toBe(true);
  });

  it('accepts a date', () => {
    expect(holdsAnswerType('time', 'Badges must be renewed by 2027-03-01.')).toBe(true);
    expect(holdsAnswerType('time', 'The office reopens on January 4.')).toBe(true);
  });

  it('accepts a relative time span ("within 3 days")', () => {
    expect(holdsAnswerType('time', 'Submit receipts within 3 days.')).toBe(true);
  });

  it('rejects a statement with no time in it', () => {
    expect(holdsAnswerType('time', 'Receipts go to the finance portal.')).toBe(false);
  });
});

describe('holdsAnswerType person', () => {
  it('accepts an e-mail address', () => {
    expect(holdsAnswerType('person', 'Write to benefits@example.org for help.')).toBe(true);
  });

  it('accepts a team', () => {
    expect(holdsAnswerType('person', 'The facilities team handles key requests.')).toBe(true);
  });

  it('rejects text that names no one', () => {
    expect(holdsAnswerType('person', 'Key requests take two days.')).toBe(false);
  });
});

describe('holdsAnswerType place', () => {
  it('accepts a path, relative or absolute, written plain as a text export gives it', () => {
    expect(holdsAnswerType('place', 'Files are written to ./dist by default.')).toBe(true);
    expect(holdsAnswerType('place', 'Logs go to /var/log/quill.')).toBe(true);
    expect(holdsAnswerType('place', 'Settings live in ~/.quillrc.')).toBe(true);
  });

  it('does not take a word pair joined by a slash for a path', () => {
    expect(holdsAnswerType('place', 'Staff may read and/or edit the draft.')).toBe(false);
  });
});

describe('holdsAnswerType value', () => {
  it('accepts a code span', () => {
    expect(holdsAnswerType('value', 'Set it to `strict`.')).toBe(true);
  });

  it('rejects plain prose with no literal value', () => {
    expect(holdsAnswerType('value', 'it can be changed later.')).toBe(false);
  });
});

describe('holdsAnswerType types without a telling form', () => {
  it('always passes steps, definitions, reasons and statements', () => {
    for (const type of ['steps', 'definition', 'reason', 'statement'] as const) expect(holdsAnswerType(type, 'anything at all')).toBe(true);
  });
});

describe('statesAttribute', () => {
  it('finds a default, a maximum or a minimum in its common wordings, and nothing else', () => {
    expect(statesAttribute('default', 'The threshold defaults to `1024` bytes.')).toBe(true);
    expect(statesAttribute('default', 'The gzip level, from 1 to 9.')).toBe(false);
    expect(statesAttribute('maximum', 'You may carry over up to 240 hours.')).toBe(true);
    expect(statesAttribute('minimum', 'It must be at least 16 characters.')).toBe(true);
    expect(statesAttribute(undefined, 'anything')).toBe(true);
  });
});

describe('holdsAnswerType on what only looks like a fact', () => {
  it('ignores list numbering and numbers inside link targets', () => {
    expect(holdsAnswerType('quantity', '1. Click the TSP tile to edit your contributions')).toBe(false);
    expect(holdsAnswerType('quantity', 'See the [rates](https://example.gov/rates-2024) page')).toBe(false);
  });

  it('needs a date, a frequency or a relative time for a time, not words like "end of year"', () => {
    expect(holdsAnswerType('time', 'End of Year Performance Awards are offered.')).toBe(false);
    expect(holdsAnswerType('time', 'Notify the IR team within 1 hour.')).toBe(true);
    expect(holdsAnswerType('time', 'The password changes monthly.')).toBe(true);
  });
});

describe('statesOutright', () => {
  it('tells a contact from a word naming a team', () => {
    expect(statesOutright('person', 'Send an email to security@quillmark.example.')).toBe(true);
    expect(statesOutright('person', 'Ask in #help-desk.')).toBe(true);
    expect(statesOutright('person', 'The security team reviews every incident.')).toBe(false);
  });

  it('tells a date or a span of time from a vague time word', () => {
    expect(statesOutright('time', 'Claims are due by March 15.')).toBe(true);
    expect(statesOutright('time', 'You will hear back within 30 calendar days.')).toBe(true);
    expect(statesOutright('time', 'Decisions are made in a timely manner every morning.')).toBe(false);
  });

  it('tells a number with its measure from a bare number', () => {
    expect(statesOutright('quantity', 'The body limit is 128MiB by default.')).toBe(true);
    expect(statesOutright('quantity', 'Receipts are needed for expenses over $75.')).toBe(true);
    expect(statesOutright('quantity', 'See section 3 of the guide.')).toBe(false);
  });

  it('tells a link or path from a word naming a place', () => {
    expect(statesOutright('place', 'Reset it at [reset.example](https://reset.example).')).toBe(true);
    expect(statesOutright('place', 'Files are written to `./static/` by default.')).toBe(true);
    expect(statesOutright('place', 'Ask at the front desk on the fifth floor.')).toBe(false);
  });

  it('never applies to kinds of answer with no telling form', () => {
    expect(statesOutright('steps', 'Run `npm start` at https://example.com.')).toBe(false);
  });
});

describe('holdsAnswerType name', () => {
  it('finds a thing named by a link or by a capitalised name inside a sentence', () => {
    expect(holdsAnswerType('name', 'We recommend [KeeVault](https://example.org/keevault) for every laptop.')).toBe(true);
    expect(holdsAnswerType('name', 'Install KeeVault from the self-service app.')).toBe(true);
    expect(holdsAnswerType('name', 'Use a password manager to store your passwords.')).toBe(false);
  });
});
