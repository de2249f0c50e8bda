import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPaths } from '../../app/commands/ingest.ts';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { createHttpServer } from '../../app/http/create-server.ts';
import { fileLimits } from '../../connectors/files/file-limits.ts';
import { InputError } from '../../connectors/files/input-error.ts';
import { loadFile } from '../../connectors/files/load-file.ts';
import { peakParallelParses } from '../../connectors/files/parse-in-worker.ts';
import type { Answer } from '../../rag/types.ts';
import { buildZip } from '../fixtures/files/build-zip.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { openSecurityFixture, type SecurityFixture } from './security-fixture.ts';

// Finding 10 of issue 14: untrusted files were parsed in the serving process with no time, memory or concurrency
// limit. A half-megabyte DOCX within the zip checks (declared sizes honest, ratio under 200:1, under 100 MB
// inflated) makes mammoth build a huge document tree; a few of them at once exhausted the process that also serves
// Slack, Discord and HTTP. Now every file is parsed in a worker thread with a heap limit and a time limit, a few at
// a time, and a file that hits a limit is refused with an error naming it while the rest of the batch is indexed.

const MB = 1024 * 1024;

/**
 * A DOCX that passes every zip check: its word/document.xml honestly declares ~`inflatedMb` MB of tiny paragraphs
 * (which a DOCX parser turns into millions of objects), and an incompressible picture keeps the archive's ratio
 * under the 200:1 limit.
 */
function treeBombDocx(inflatedMb: number): Buffer {
  const paragraph = '<w:p><w:r><w:t>a</w:t></w:r></w:p>';
  const body = paragraph.repeat(Math.ceil((inflatedMb * MB) / paragraph.length));
  const xml = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  );
  const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
  return buildZip([
    { name: '[Content_Types].xml', data: Buffer.from(contentTypes) },
    { name: '_rels/.rels', data: Buffer.from(rels) },
    { name: 'word/document.xml', data: xml },
    { name: 'word/media/image1.png', data: randomBytes(Math.ceil((inflatedMb * MB) / 150)) },
  ]);
}

let fixture: SecurityFixture;
const temp = tempDir('lore-parse-limits-');
let bomb: Buffer;

beforeAll(async () => {
  bomb = treeBombDocx(60);
  fixture = await openSecurityFixture({
    files: { 'backups.md': '# Backups\n\nBackups of the data directory are kept for 30 days.\n' },
    env: { LORE_PARSE_MEMORY_MB: '96', LORE_PARSE_TIMEOUT_SECONDS: '30', LORE_PARSE_WORKERS: '2' },
  });
}, 180_000);

afterAll(async () => {
  await fixture?.close();
  temp.cleanup();
});

describe('a DOCX that inflates past the parser memory limit', () => {
  it('passes the zip checks yet is refused, naming the memory limit, while the rest of the batch is indexed', async () => {
    expect(bomb.length).toBeLessThan(MB);
    const folder = path.join(temp.dir, 'batch');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'quarterly-report.docx'), bomb);
    fs.writeFileSync(path.join(folder, 'rotation.md'), '# Rotation\n\nThe on-call rotation changes every Monday at 10:00.\n');
    const heapBefore = process.memoryUsage().heapUsed;

    const summary = await ingestPaths(fixture.runtime, [folder], false);

    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]!.path).toMatch(/quarterly-report\.docx$/);
    expect(summary.failed[0]!.error).toMatch(/parsing needed more than the 96 MB memory limit; refusing the file/);
    expect(summary.added).toBeGreaterThanOrEqual(1);
    const indexed = fixture.runtime.db!.prepare('SELECT id FROM documents').pluck().all() as string[];
    expect(indexed.some((id) => id.endsWith('rotation.md'))).toBe(true);
    // The tree was built in the worker, not here.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(100 * MB);
  }, 120_000);

  it('can be uploaded over HTTP without taking the server down: 207, the error per file, and it still answers', async () => {
    const api: FastifyInstance = await createHttpServer({ runtime: fixture.runtime, answers: createAnswerService(fixture.runtime) });
    try {
      const form = new FormData();
      form.append('file', new Blob([bomb]), 'bomb.docx');
      form.append('file', new Blob([bomb]), 'bomb-2.docx');
      form.append('file', new Blob(['# Parking\n\nVisitors park on level 2 of the garage.\n']), 'parking.md');
      const request = new Request('http://localhost/ingest', { method: 'POST', body: form });
      const upload = await api.inject({
        method: 'POST',
        url: '/ingest',
        headers: { host: 'localhost:8080', 'content-type': request.headers.get('content-type')! },
        payload: Buffer.from(await request.arrayBuffer()),
      });
      expect(upload.statusCode).toBe(207);
      expect(JSON.stringify(upload.json())).toMatch(/bomb\.docx[^}]*memory limit/);
      expect(JSON.stringify(upload.json())).toMatch(/bomb-2\.docx[^}]*memory limit/);

      expect((await api.inject({ method: 'GET', url: '/health', headers: { host: 'localhost:8080' } })).statusCode).toBe(200);
      const answer = await api.inject({
        method: 'POST',
        url: '/query',
        headers: { host: 'localhost:8080' },
        payload: { question: 'How long are backups of the data directory kept?' },
      });
      expect(answer.json<Answer>().answer).toMatch(/30 days/);
    } finally {
      await api.close();
    }
  }, 120_000);
});

describe('a parse that takes too long', () => {
  it('is stopped at the time limit, with an error naming it', async () => {
    const file = path.join(temp.dir, 'slow.docx');
    fs.writeFileSync(file, treeBombDocx(30));
    const started = Date.now();
    const error = await loadFile(file, { limits: fileLimits({ parseMemoryMb: 4096, parseTimeoutMs: 1_500 }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).reason).toBe('parsing took longer than the 1.5 s limit; refusing the file');
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);
});

describe('parses at once', () => {
  it('never exceed the cap; the others wait their turn and are still parsed', async () => {
    const folder = path.join(temp.dir, 'many');
    fs.mkdirSync(folder);
    const files = Array.from({ length: 6 }, (_, i) => {
      const file = path.join(folder, `note-${i}.md`);
      fs.writeFileSync(file, `# Note ${i}\n\nNote ${i} is about topic ${i}.\n`);
      return file;
    });
    peakParallelParses(true);
    const limits = fileLimits({ maxParallelParses: 2 });
    const documents = await Promise.all(files.map((file) => loadFile(file, { limits })));
    expect(documents.map((d) => d.title)).toEqual(files.map((_, i) => `Note ${i}`));
    expect(peakParallelParses()).toBe(2);
  }, 60_000);
});
