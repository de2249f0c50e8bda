import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileLimits } from '../../../connectors/files/file-limits.ts';
import { cleanText } from '../../../rag/clean-text.ts';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { loadFile } from '../../../connectors/files/load-file.ts';
import { ownTitle } from '../../../connectors/files/file-document.ts';
import { expectInputError, fixture, FIXTURES_DIR, makeTempDir } from './file-fixtures.ts';

describe('loading PDF files', () => {
  afterEach(() => vi.restoreAllMocks());

  it('extracts the text of every page, pages separated by form feeds', async () => {
    const doc = await loadFile(fixture('report.pdf'), { root: FIXTURES_DIR });
    // Its lines are double-spaced one-line paragraphs.
    expect(doc.text).toBe(
      [
        'Widget sales grew by twelve percent this quarter.\n\nThe Berlin office shipped the most widgets.',
        'Gadget returns fell after the packaging redesign.\n\nNext quarter we focus on gizmo reliability.',
      ].join('\f'),
    );
    expect(doc).toMatchObject({
      id: 'files:report.pdf',
      source: 'files',
      format: 'markdown',
      extension: 'pdf',
      metadata: { pageCount: 2 },
    });
  });

  it('reads a laid-out PDF as Markdown: headings by size and face, paragraphs, items, code, no page furniture', async () => {
    const pdf = await PDFDocument.create();
    const [regular, bold, mono] = await Promise.all(
      [StandardFonts.Helvetica, StandardFonts.HelveticaBold, StandardFonts.Courier].map((name) => pdf.embedFont(name)),
    );
    for (const [n, topic] of ['Travel', 'Lodging', 'Meals'].entries()) {
      const page = pdf.addPage([612, 792]);
      let y = 720;
      const write = (text: string, font = regular, size = 11, x = 72, after = 14) => {
        page.drawText(text, { x, y, size, font });
        y -= after;
      };
      write('ACME handbook - internal', regular, 8, 72, 0);
      page.drawText(`Page ${n + 1} of 3`, { x: 500, y: 20, size: 8, font: regular });
      y = 680;
      write(topic, bold, 20, 72, 30);
      write('Receipts', bold, 11, 72, 18);
      write('Keep every receipt over $75 for six years after the trip ends, and', regular, 11, 72, 14);
      write('upload it to the expense tool within a week.', regular, 11, 72, 24);
      write('\u2022 Lodging is paid by the traveller first.', regular, 11, 72, 14);
      write('\u2022 Rental cars need a manager\u2019s approval.', regular, 11, 72, 24);
      write('export default {', mono, 9, 72, 11);
      write('  port: 8787,', mono, 9, 72, 11);
      write('}', mono, 9, 72, 11);
    }
    const temp = await makeTempDir();
    try {
      const doc = await loadFile(await temp.write('travel.pdf', await pdf.save()));
      expect(doc.format).toBe('markdown');
      // The running head sits inside the text block: the index's cleaning drops it for recurring on every page.
      const text = cleanText(doc.text, doc.format);
      expect(text.slice(0, text.indexOf('# Lodging')).trim()).toBe(
        [
          '# Travel',
          '## Receipts',
          'Keep every receipt over $75 for six years after the trip ends, and upload it to the expense tool within a week.',
          '-   Lodging is paid by the traveller first.\n-   Rental cars need a manager’s approval.',
          '```\nexport default {\n  port: 8787,\n}\n```',
        ].join('\n\n'),
      );
      expect(text).not.toMatch(/ACME handbook|Page \d of 3/);
      expect(doc.text).not.toMatch(/Page \d of 3/);
    } finally {
      await temp.remove();
    }
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

  it('takes the first top heading for a title when the metadata has none', async () => {
    const pdf = await PDFDocument.create();
    const [regular, bold] = await Promise.all([StandardFonts.Helvetica, StandardFonts.HelveticaBold].map((name) => pdf.embedFont(name)));
    const page = pdf.addPage([612, 792]);
    page.drawText('Remote work policy', { x: 72, y: 700, size: 20, font: bold });
    page.drawText('Staff may work remotely up to three days a week.', { x: 72, y: 670, size: 11, font: regular });
    const temp = await makeTempDir();
    try {
      const doc = await loadFile(await temp.write('HR_policy_v3_FINAL.pdf', await pdf.save()));
      expect(doc.title).toBe('Remote work policy');
    } finally {
      await temp.remove();
    }
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
