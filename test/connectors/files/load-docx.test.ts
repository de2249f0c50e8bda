import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileLimits } from '../../../connectors/files/file-limits.ts';
import { loadFile } from '../../../connectors/files/load-file.ts';
import { buildZip } from '../../fixtures/files/build-zip.ts';
import { minimalDocx, zipBombDocx } from '../../fixtures/files/hostile-docx.ts';
import { expectInputError, fixture, makeTempDir } from './file-fixtures.ts';

describe('loading DOCX files', () => {
  it('converts the document to Markdown that keeps headings, lists and tables', async () => {
    const doc = await loadFile(fixture('handbook.docx'));
    expect(doc.format).toBe('markdown');
    expect(doc.extension).toBe('docx');
    expect(doc.text).toMatch(/^# Welcome to Acme$/m);
    expect(doc.text).toMatch(/^## Vacation policy$/m);
    expect(doc.text).toMatch(/^## Expense reports$/m);
    expect(doc.text).toContain('Acme builds **reliable widgets** for teams everywhere.');
    expect(doc.text).toContain('Every employee receives twenty-five days of paid vacation per year.');
    expect(doc.text).toMatch(/^- +Book vacation in the HR portal$/m);
    expect(doc.text).toMatch(/^1\. +Collect your receipts$/m);
    expect(doc.text).toContain('| Office | Manager |\n| --- | --- |\n| Berlin | Dana Smith |\n| Lisbon | Rui Costa |');
  });

  it('takes the title from the document properties', async () => {
    const doc = await loadFile(fixture('handbook.docx'));
    expect(doc.title).toBe('Employee Handbook');
  });

  it('falls back to the first heading for the title', async () => {
    const temp = await makeTempDir();
    try {
      const untitled = new Document({
        sections: [{ children: [new Paragraph({ text: 'Travel Guide', heading: HeadingLevel.HEADING_1 }), new Paragraph('Pack light.')] }],
      });
      const path = await temp.write('travel.docx', await Packer.toBuffer(untitled));
      const doc = await loadFile(path);
      expect(doc.title).toBe('Travel Guide');
      expect(doc.text).toBe('# Travel Guide\n\nPack light.');
    } finally {
      await temp.remove();
    }
  });

  it('falls back to the file name for the title when there is no heading', async () => {
    const temp = await makeTempDir();
    try {
      const doc = await loadFile(await temp.write('plain.docx', minimalDocx('Only a paragraph.')));
      expect(doc.title).toBe('plain.docx');
      expect(doc.text).toBe('Only a paragraph.');
    } finally {
      await temp.remove();
    }
  });

  it('refuses a truncated DOCX', async () => {
    await expectInputError(
      loadFile(fixture('bad/truncated.docx')),
      'truncated.docx',
      /^truncated or corrupt DOCX \(End of central directory record signature not found/,
    );
  });

  it('refuses a .docx that is not a zip archive', async () => {
    await expectInputError(loadFile(fixture('bad/not-a-zip.docx')), 'not-a-zip.docx', /^not a DOCX: not a zip archive/);
  });

  it('refuses a zip archive that is not a Word document', async () => {
    const temp = await makeTempDir();
    try {
      const path = await temp.write('spreadsheet.docx', buildZip([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') }]));
      await expectInputError(loadFile(path), 'spreadsheet.docx', /^not a Word document: the zip archive has no word\/document\.xml$/);
    } finally {
      await temp.remove();
    }
  });

  it('catches a DOCX whose zip headers understate what an entry inflates to', async () => {
    // Every header check passes for this file (declared 1 KB, tiny ratio); only inflating it can tell.
    await expectInputError(
      loadFile(fixture('bad/lying-sizes.docx')),
      'lying-sizes.docx',
      /^zip entry word\/document\.xml inflates to more than the 1 KB its header declares; refusing a forged DOCX$/,
    );
  });

  it('refuses an archive with more entries than the limit', async () => {
    await expectInputError(
      loadFile(fixture('handbook.docx'), { limits: fileLimits({ maxZipEntries: 3 }) }),
      'handbook.docx',
      /^DOCX archive has \d+ entries \(limit 3\)$/,
    );
  });

  describe('zip bombs', () => {
    let temp: Awaited<ReturnType<typeof makeTempDir>>;
    let bombPath: string;

    beforeEach(async () => {
      temp = await makeTempDir();
      // 300 MB of XML from about 300 KB on disk.
      bombPath = await temp.write('bomb.docx', zipBombDocx(300));
    });
    afterEach(() => temp.remove());

    it('refuses a DOCX that would decompress past the limit, from its headers alone', async () => {
      await expectInputError(loadFile(bombPath), 'bomb.docx', /^DOCX would decompress to 300 MB \(limit 100 MB\); refusing a possible zip bomb$/);
    });

    it('refuses a DOCX whose compression ratio is implausible for a real document', async () => {
      await expectInputError(
        loadFile(bombPath, { limits: fileLimits({ maxDecompressedBytes: 1024 ** 3 }) }),
        'bomb.docx',
        /^DOCX compression ratio \d+:1 exceeds the limit of 200:1; refusing a possible zip bomb$/,
      );
    });
  });
});
