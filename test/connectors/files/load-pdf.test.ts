import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileLimits } from '../../../connectors/files/file-limits.ts';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { loadFile } from '../../../connectors/files/load-file.ts';
import { ownTitle } from '../../../connectors/files/file-document.ts';
import { expectInputError, fixture, FIXTURES_DIR, makeTempDir } from './file-fixtures.ts';

describe('loading PDF files', () => {
  afterEach(() => vi.restoreAllMocks());

  it('extracts the text of every page, pages separated by form feeds', async () => {
    const doc = await loadFile(fixture('report.pdf'), { root: FIXTURES_DIR });
    expect(doc.text).toBe(
      [
        'Widget sales grew by twelve percent this quarter.\nThe Berlin office shipped the most widgets.',
        'Gadget returns fell after the packaging redesign.\nNext quarter we focus on gizmo reliability.',
      ].join('\f'),
    );
    expect(doc).toMatchObject({
      id: 'files:report.pdf',
      source: 'files',
      format: 'text',
      extension: 'pdf',
      metadata: { pageCount: 2 },
    });
  });

  it('takes the title from the PDF metadata', async () => {
    const doc = await loadFile(fixture('report.pdf'));
    expect(doc.title).toBe('Quarterly Widget Report');
  });

  it('cites a PDF exported from Word by its own name, not the exporting program and the source file', async () => {
    const pdf = await PDFDocument.create();
    pdf.setTitle('Microsoft Word - Leave policy v3.docx');
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    pdf.addPage([400, 300]).drawText('Annual leave carries over up to 240 hours.', { x: 30, y: 250, size: 12, font });
    const temp = await makeTempDir();
    try {
      const doc = await loadFile(await temp.write('leave.pdf', await pdf.save()));
      expect(doc.title).toBe('Leave policy v3');
    } finally {
      await temp.remove();
    }
  });

  it('takes a placeholder title for no title', () => {
    for (const placeholder of [
      'Untitled',
      'Untitled-3',
      'Untitled Document',
      'Document1',
      'Presentation2',
      'Slide 1',
      'Microsoft PowerPoint - Presentation1.pptx',
    ]) {
      expect(ownTitle(placeholder)).toBeUndefined();
    }
    expect(ownTitle('Travel guide 2024')).toBe('Travel guide 2024');
    expect(ownTitle('  Security   incidents ')).toBe('Security incidents');
  });

  it('falls back to the file name when the PDF has no title', async () => {
    const doc = await loadFile(fixture('untitled.pdf'));
    expect(doc.title).toBe('untitled.pdf');
    expect(doc.text).toContain('A memo without a title in its metadata.');
  });

  it('extracts quietly, without pdf.js warnings on the console', async () => {
    const spies = (['log', 'warn', 'error', 'info'] as const).map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
    await loadFile(fixture('report.pdf'));
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('refuses a PDF with more pages than the limit', async () => {
    await expectInputError(
      loadFile(fixture('report.pdf'), { limits: fileLimits({ maxPdfPages: 1 }) }),
      'report.pdf',
      /^PDF has 2 pages \(limit 1\)$/,
    );
  });

  it('stops reading a PDF as soon as its text passes the character limit', async () => {
    await expectInputError(
      loadFile(fixture('report.pdf'), { limits: fileLimits({ maxTextChars: 50 }) }),
      'report.pdf',
      /PDF text exceeds 50 characters \(limit reached by page 1 of 2\)/,
    );
  });

  it('refuses a truncated PDF', async () => {
    await expectInputError(loadFile(fixture('bad/truncated.pdf')), 'truncated.pdf', /^truncated or corrupt PDF/);
  });

  it('refuses random bytes named .pdf before parsing them', async () => {
    await expectInputError(loadFile(fixture('bad/random-bytes.pdf')), 'random-bytes.pdf', /^not a PDF: no %PDF- header/);
  });

  it('refuses a PDF whose body is garbage', async () => {
    await expectInputError(loadFile(fixture('bad/garbage.pdf')), 'garbage.pdf', /^truncated or corrupt PDF \(Invalid PDF structure/);
  });

  it('refuses a password-protected PDF and says so', async () => {
    await expectInputError(loadFile(fixture('bad/encrypted.pdf')), 'encrypted.pdf', /^PDF is encrypted \(password-protected\)/);
  });
});
