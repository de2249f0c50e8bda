import type { DraftChunk } from '../types.ts';
import type { CodeDeclaration } from './code-declaration.ts';
import type { ChunkOptions } from './chunk-options.ts';
import { codePieces } from './code-pieces.ts';
import { countTokens } from './count-tokens.ts';
import { mergeUnits, type Unit } from './merge-units.ts';
import { packPieces, trimBlankLines } from './pack-pieces.ts';
import { pythonDeclarations } from './python-declarations.ts';
import { typescriptDeclarations } from './typescript-declarations.ts';

/**
 * Source code by declarations for TypeScript/JavaScript and Python (heading path = declaration
 * names, e.g. `['class Indexer', 'method upsert']`); other languages by blank-line blocks packed
 * to the budget. Code is never overlapped: declarations are natural boundaries.
 */
export function chunkCode(text: string, language: string | undefined, extension: string, options: ChunkOptions): DraftChunk[] {
  const declarations = declarationsOf(text, language, extension);
  // The splitters cover the whole file (up to blank lines); should one ever drop code, blocks are the safe answer.
  if (declarations === undefined || withoutSpace(declarations.map((declaration) => declaration.text).join('')) !== withoutSpace(text)) {
    return splitCode(text, [], options).map(({ text: chunkText, headingPath }) => ({ text: chunkText, headingPath }));
  }
  const units = declarations.flatMap((declaration) => declarationUnits(declaration, [], options));
  return mergeUnits(units, options);
}

function declarationsOf(text: string, language: string | undefined, extension: string): CodeDeclaration[] | undefined {
  switch (language) {
    case 'typescript':
    case 'javascript':
      return typescriptDeclarations(text, extension);
    case 'python':
      return pythonDeclarations(text);
    default:
      return undefined;
  }
}

function declarationUnits(declaration: CodeDeclaration, parentPath: readonly string[], options: ChunkOptions): Unit[] {
  const headingPath = declaration.label === undefined ? [...parentPath] : [...parentPath, declaration.label];
  const text = trimBlankLines(declaration.text);
  if (text.length === 0) return [];
  const tokens = countTokens(text);
  if (tokens <= options.maxTokens) return [{ text, tokens, headingPath, mergesWithSiblings: false }];
  if (declaration.members !== undefined) {
    return declaration.members.flatMap((member, index) =>
      // The header (decorators, signature, docstring) is named after the container itself.
      index === 0 ? declarationUnits({ text: member.text }, headingPath, options) : declarationUnits(member, headingPath, options),
    );
  }
  return splitCode(text, headingPath, options);
}

function splitCode(text: string, headingPath: readonly string[], options: ChunkOptions): Unit[] {
  const pieces = codePieces(text, options.maxTokens);
  return packPieces(pieces, { maxTokens: options.maxTokens, overlapTokens: 0, keepIndentation: true }).map((chunkText) => ({
    text: chunkText,
    tokens: countTokens(chunkText),
    headingPath: [...headingPath],
    mergesWithSiblings: false,
  }));
}

function withoutSpace(text: string): string {
  return text.replace(/\s+/g, '');
}
