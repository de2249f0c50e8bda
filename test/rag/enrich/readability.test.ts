import { describe, expect, it } from 'vitest';
import { fleschReadingEase } from '../../../rag/enrich/readability.ts';

describe('fleschReadingEase', () => {
  it('scores plain, short-worded text as easy and dense academic prose as hard', () => {
    const easy = 'The cat sat on the mat. It was a warm day. The dog ran to the park and back.';
    const hard =
      'Notwithstanding the aforementioned considerations, the organisational infrastructure necessitates comprehensive reconfiguration, ' +
      'particularly regarding interdepartmental communication methodologies and administrative accountability frameworks.';
    const easyScore = fleschReadingEase(easy);
    const hardScore = fleschReadingEase(hard);
    expect(easyScore).toBeGreaterThan(80);
    expect(hardScore).toBeLessThan(20);
  });

  it('stays within 0 to 100', () => {
    expect(fleschReadingEase('Go. Run. Sit. Eat.')).toBe(100);
    expect(fleschReadingEase('Incomprehensibilities internationalisation institutionalisation characteristically')).toBe(0);
  });

  it('ignores code blocks, inline code and URLs, which are not prose', () => {
    const prose = 'Run the tool. It is fast.';
    const withCode = `${prose}\n\n\`\`\`ts\nconst configurationRepositoryInitialisation = initialiseConfigurationRepository();\n\`\`\`\n\nSee https://example.com/extraordinarily/complicated/documentation for \`extraordinaryConfiguration\`.`;
    expect(Math.abs(fleschReadingEase(withCode) - fleschReadingEase(`${prose}\n\nSee for.`))).toBeLessThan(1);
  });

  it('is 0 when there is no prose at all', () => {
    expect(fleschReadingEase('12345 67 89')).toBe(0);
  });
});
