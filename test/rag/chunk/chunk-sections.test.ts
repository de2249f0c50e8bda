import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../../rag/chunk/chunk-document.ts';
import { looksSectioned } from '../../../rag/chunk/chunk-sections.ts';
import { makeDocument, sentences } from './make-document.ts';

const contract = [
  'MASTER SERVICES AGREEMENT',
  'This Agreement is made between Acme Corp ("Customer") and Beta LLC ("Supplier").',
  '1. Definitions',
  `1.1 "Agreement" means this agreement and its schedules. ${sentences('definition', 3).join(' ')}`,
  `1.2 "Services" means the services in Schedule A. ${sentences('service', 3).join(' ')}`,
  '2. Payment',
  `2.1 Invoices. The Customer shall pay each invoice within thirty (30) days. ${sentences('invoice', 3).join(' ')}`,
  `2.2 Late payment. Overdue amounts accrue interest at one percent per month. ${sentences('interest', 3).join(' ')}`,
  '3. Termination',
  `Either party may end this Agreement on ninety days' written notice. ${sentences('termination', 3).join(' ')}`,
].join('\n\n');

describe('numbered-section documents', () => {
  it('recognises legal-style numbering and leaves ordinary prose alone', () => {
    expect(looksSectioned(contract)).toBe(true);
    expect(looksSectioned(['Article I', 'Scope.', 'Article II', 'Fees.', 'Article III', 'Term.'].join('\n\n'))).toBe(true);
    expect(looksSectioned(['§ 1 Scope', 'Text.', '§ 2 Fees', 'Text.', '§ 3 Term', 'Text.'].join('\n'))).toBe(true);
    const prose = `${sentences('prose', 20).join(' ')}\n\nIn 2024 we grew.\n\n3.5 million users joined.`;
    expect(looksSectioned(prose)).toBe(false);
  });

  it('splits at section boundaries with section numbers and titles in the heading path', () => {
    const chunks = chunkDocument(makeDocument('text', contract));
    const paths = chunks.map((c) => c.headingPath);
    expect(paths).toContainEqual(['1. Definitions', '1.2 "Services" means the services in Schedule A']);
    expect(paths).toContainEqual(['2. Payment', '2.1 Invoices']);
    expect(paths).toContainEqual(['2. Payment', '2.2 Late payment']);
    expect(paths).toContainEqual(['3. Termination']);
    const invoices = chunks.find((c) => c.headingPath[1] === '2.1 Invoices');
    expect(invoices?.text).toContain('2.1 Invoices. The Customer shall pay');
    expect(invoices?.text).not.toContain('2.2 Late payment');
  });

  it('keeps a bare section heading with its first subsection', () => {
    const chunks = chunkDocument(makeDocument('text', contract));
    const payment = chunks.find((c) => c.text.startsWith('2. Payment'));
    expect(payment?.text).toMatch(/^2\. Payment\n\n2\.1 Invoices/);
  });

  it('nests Articles above Sections', () => {
    const text = [
      'ARTICLE I - SCOPE',
      `Section 1.1 Purpose. ${sentences('purpose', 4).join(' ')}`,
      `Section 1.2 Exclusions. ${sentences('exclusion', 4).join(' ')}`,
      'ARTICLE II - FEES',
      `Section 2.1 Rates. ${sentences('rate', 4).join(' ')}`,
    ].join('\n\n');
    const paths = chunkDocument(makeDocument('text', text)).map((c) => c.headingPath);
    expect(paths).toContainEqual(['ARTICLE I - SCOPE', 'Section 1.2 Exclusions']);
    expect(paths).toContainEqual(['ARTICLE II - FEES', 'Section 2.1 Rates']);
  });

  it('cuts an oversized section by sentences, keeping its heading path on every part', () => {
    const text = `1. Scope\n\n${sentences('scope', 40).join(' ')}\n\n2. Fees\n\nFees are due monthly.\n\n3. Term\n\nThe term is one year.`;
    const chunks = chunkDocument(makeDocument('text', text), { maxTokens: 128 });
    const scope = chunks.filter((c) => c.headingPath[0] === '1. Scope');
    expect(scope.length).toBeGreaterThan(3);
    expect(scope.at(-1)?.text).toContain('Sentence 39 says');
  });
});
