// Writes the PDF and DOCX files of the sample knowledge base from the text below, so that the
// binaries in the repository can always be regenerated and reviewed as text.
// Run: npx tsx datasets/make-sample-binaries.ts
import fs from 'node:fs';
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';

const dir = new URL('./sample-kb/', import.meta.url);

const overviewPages: { heading: string; paragraphs: string[] }[] = [
  {
    heading: 'Lore overview',
    paragraphs: [
      'Lore is an open-source knowledge bot for chat teams. Teams mention Lore in Slack or Discord and get a short,',
      'correct answer in the thread, with numbered citations linking to the source document.',
      'Connectors keep the index in sync with Notion, GitHub, web pages and uploaded files.',
      'The embedded defaults need no API keys and no network: a local embedder, a Chroma server started by Lore,',
      'SQLite for the lexical index, and an extractive answerer that quotes the best supporting sentences.',
    ],
  },
  {
    heading: 'Evaluation and release gate',
    paragraphs: [
      'Every release of Lore passes an evaluation gate built on promptfoo and autoevals.',
      'The gate measures faithfulness, answer relevance, context recall, citation precision and abstention',
      'accuracy on a golden set of questions, as well as the cost and latency of each answer.',
      'A release is blocked when any metric falls below its threshold in evals/thresholds.json.',
    ],
  },
];

async function writeOverviewPdf(): Promise<void> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Lore overview');
  pdf.setAuthor('Lore contributors');
  // A fixed date keeps the file byte-identical between runs.
  pdf.setCreationDate(new Date('2026-01-01T00:00:00Z'));
  pdf.setModificationDate(new Date('2026-01-01T00:00:00Z'));
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  for (const page of overviewPages) {
    const p = pdf.addPage([595, 842]);
    p.drawText(page.heading, { x: 50, y: 780, size: 20, font: bold });
    page.paragraphs.forEach((line, i) => p.drawText(line, { x: 50, y: 740 - i * 18, size: 10, font }));
  }
  fs.writeFileSync(new URL('lore-overview.pdf', dir), await pdf.save());
}

async function writeChecklistDocx(): Promise<void> {
  const cell = (text: string) => new TableCell({ children: [new Paragraph(text)] });
  const doc = new Document({
    creator: 'Lore contributors',
    title: 'Release checklist',
    sections: [
      {
        children: [
          new Paragraph({ text: 'Release checklist', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Follow these steps for every Lore release. A release manager signs off each step.'),
          new Paragraph({ text: 'Before the release', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({ text: 'Run npm test and npm run eval on a clean checkout.', bullet: { level: 0 } }),
          new Paragraph({ text: 'Check that the evaluation gate passes every threshold.', bullet: { level: 0 } }),
          new Paragraph({ text: 'Update the changelog with user-visible changes.', bullet: { level: 0 } }),
          new Paragraph({ text: 'Release day', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({
            children: [
              new TextRun('Tag the release with '),
              new TextRun({ text: 'git tag vX.Y.Z', bold: true }),
              new TextRun(' and publish the release notes. Announce it in the #lore-releases channel.'),
            ],
          }),
          new Paragraph({ text: 'Owners', heading: HeadingLevel.HEADING_2 }),
          new Table({
            rows: [
              new TableRow({ children: [cell('Step'), cell('Owner')] }),
              new TableRow({ children: [cell('Evaluation gate'), cell('Quality team')] }),
              new TableRow({ children: [cell('Changelog'), cell('Release manager')] }),
            ],
          }),
        ],
      },
    ],
  });
  fs.writeFileSync(new URL('release-checklist.docx', dir), await Packer.toBuffer(doc));
}

await writeOverviewPdf();
await writeChecklistDocx();
process.stderr.write('wrote lore-overview.pdf and release-checklist.docx\n');
