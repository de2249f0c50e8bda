/** Source-code extensions Lore reads, and the language each is written in. */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  py: 'python',
  pyi: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin',
  rb: 'ruby',
  php: 'php',
  cs: 'csharp',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  hpp: 'cpp',
  swift: 'swift',
  scala: 'scala',
  sh: 'shell',
  bash: 'shell',
  sql: 'sql',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  toml: 'toml',
  css: 'css',
  scss: 'scss',
  html: 'html',
  vue: 'vue',
  svelte: 'svelte',
  tf: 'terraform',
  proto: 'protobuf',
  kts: 'kotlin',
  cxx: 'cpp',
  hh: 'cpp',
  zsh: 'shell',
  ps1: 'powershell',
  xml: 'xml',
  graphql: 'graphql',
};

/**
 * The programming language of a code document: the connector's word when it gave one, else the
 * file extension's, else `undefined`.
 */
export function codeLanguage(extension: string, declared?: string): string | undefined {
  const given = declared?.trim().toLowerCase();
  if (given) return given;
  return BY_EXTENSION[extension.replace(/^\./, '').toLowerCase()];
}
