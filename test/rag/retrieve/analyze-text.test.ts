import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../rag/retrieve/analyze-text.ts';

describe('analyzeText', () => {
  it('drops English stopwords but keeps negations', () => {
    expect(analyzeText('The cause of the failure is not the network')).toEqual(['caus', 'failur', 'not', 'network']);
  });

  it('reduces inflected forms to one Porter stem so they match', () => {
    expect(analyzeText('connection connected connecting connects')).toEqual(['connect', 'connect', 'connect', 'connect']);
    expect(analyzeText('Deploying')).toEqual(analyzeText('deploys'));
  });

  it('folds case and accents and splits on punctuation, leaving numbers and codes alone', () => {
    expect(analyzeText('Café RÉSUMÉ max_tokens H2O 3D')).toEqual(['cafe', 'resum', 'max', 'token', 'h2o', '3d']);
  });

  it('ignores runs too long to be words (hashes, base64)', () => {
    expect(analyzeText(`key ${'a'.repeat(64)} value`)).toEqual(['kei', 'valu']);
  });
});
