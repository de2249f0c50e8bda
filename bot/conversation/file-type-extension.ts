// Chat platforms describe a shared file by a MIME type as well as by its name; when the name says nothing (no
// extension), the MIME type is the next best word on what the file is.

const EXTENSION_BY_MIME_TYPE: Readonly<Record<string, string>> = {
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/x-markdown': 'md',
  'text/html': 'html',
  'text/csv': 'csv',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};

/** The usual extension (without the dot) for a MIME type Lore can read; undefined for any other. */
export function extensionForMimeType(mimeType: string | undefined): string | undefined {
  const essence = mimeType?.split(';')[0]?.trim().toLowerCase();
  return essence ? EXTENSION_BY_MIME_TYPE[essence] : undefined;
}
