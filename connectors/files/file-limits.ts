/** Bounds on what one input file may cost us; everything past them is refused, never truncated silently. */
export interface FileLimits {
  /** Size on disk, checked before a single byte is read. */
  maxFileBytes: number;
  /** Total bytes a DOCX (zip) may inflate to, whatever its headers claim. */
  maxDecompressedBytes: number;
  /** Declared uncompressed bytes per archive byte; real documents stay far below, zip bombs far above. */
  maxCompressionRatio: number;
  /** Entries in a DOCX archive; real documents have dozens, a flood of entries is an attack on the parser. */
  maxZipEntries: number;
  maxPdfPages: number;
  /** Element nesting in HTML (and DOCX converted to HTML); HTML parsers slow down and overflow the stack on deeper trees. */
  maxHtmlDepth: number;
  /** Characters of text after extraction. */
  maxTextChars: number;
  /** Heap of the worker thread one file is parsed in (its `resourceLimits`); past it the file is refused. */
  parseMemoryMb: number;
  /** Time one file's parse may take, in its worker thread; past it the worker is ended and the file refused. */
  parseTimeoutMs: number;
  /** Files parsed at once (one worker thread each); the others wait their turn. */
  maxParallelParses: number;
}

const MB = 1024 * 1024;

export const DEFAULT_FILE_LIMITS: Readonly<FileLimits> = Object.freeze({
  maxFileBytes: 25 * MB,
  maxDecompressedBytes: 100 * MB,
  maxCompressionRatio: 200,
  maxZipEntries: 5_000,
  maxPdfPages: 2_000,
  // Browsers stop nesting at 512 levels too (Chromium's parser limit); real pages stay far below.
  maxHtmlDepth: 512,
  maxTextChars: 5_000_000,
  parseMemoryMb: 512,
  parseTimeoutMs: 60_000,
  maxParallelParses: 2,
});

/** Defaults with the given overrides, so configuration only has to name what it changes. */
export function fileLimits(overrides: Partial<FileLimits> = {}): FileLimits {
  const limits = { ...DEFAULT_FILE_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`file limit ${name} must be a positive number, got ${String(value)}`);
    }
  }
  return limits;
}

/** `26214400` -> `25 MB`: limits are shown to users in error messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < MB) return `${trimFraction(bytes / 1024)} KB`;
  if (bytes < 1024 * MB) return `${trimFraction(bytes / MB)} MB`;
  return `${trimFraction(bytes / (1024 * MB))} GB`;
}

function trimFraction(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '');
}
