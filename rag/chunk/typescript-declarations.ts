import ts from 'typescript';
import type { CodeDeclaration } from './code-declaration.ts';

const SCRIPT_KINDS: Readonly<Record<string, ts.ScriptKind>> = {
  tsx: ts.ScriptKind.TSX,
  jsx: ts.ScriptKind.JSX,
  js: ts.ScriptKind.JS,
  mjs: ts.ScriptKind.JS,
  cjs: ts.ScriptKind.JS,
};

/**
 * Top-level statements of a TypeScript/JavaScript file, parsed with the TypeScript compiler. Each
 * declaration keeps the comments above it; consecutive imports and loose statements form one
 * unlabelled group. Classes and interfaces list their members so a big one can be cut between them.
 */
export function typescriptDeclarations(text: string, extension: string): CodeDeclaration[] {
  const scriptKind = SCRIPT_KINDS[extension.toLowerCase()] ?? ts.ScriptKind.TS;
  // Parsing is error-tolerant: broken code still yields statements, so there is nothing to catch.
  const file = ts.createSourceFile(`input.${extension || 'ts'}`, text, ts.ScriptTarget.Latest, false, scriptKind);
  const declarations: CodeDeclaration[] = [];
  let loose = '';
  // Each statement takes everything since the previous one: its leading comments and blank lines,
  // and any characters the parser skipped, so no text is ever lost.
  let cursor = 0;
  for (const statement of file.statements) {
    const start = cursor;
    const source = text.slice(start, statement.end);
    cursor = statement.end;
    const label = statementLabel(statement, file);
    if (label === undefined) {
      loose += source;
      continue;
    }
    if (loose.trim().length > 0) declarations.push({ text: loose });
    loose = '';
    const members = containerMembers(statement, start, file, text);
    declarations.push(members === undefined ? { text: source, label } : { text: source, label, members });
  }
  // Comments after the last statement.
  loose += text.slice(cursor);
  if (loose.trim().length > 0) declarations.push({ text: loose });
  return declarations;
}

function statementLabel(statement: ts.Statement, file: ts.SourceFile): string | undefined {
  if (ts.isFunctionDeclaration(statement)) return `function ${statement.name?.text ?? 'default'}`;
  if (ts.isClassDeclaration(statement)) return `class ${statement.name?.text ?? 'default'}`;
  if (ts.isInterfaceDeclaration(statement)) return `interface ${statement.name.text}`;
  if (ts.isTypeAliasDeclaration(statement)) return `type ${statement.name.text}`;
  if (ts.isEnumDeclaration(statement)) return `enum ${statement.name.text}`;
  if (ts.isModuleDeclaration(statement)) return `namespace ${statement.name.getText(file)}`;
  if (ts.isVariableStatement(statement)) {
    const list = statement.declarationList;
    const keyword = list.flags & ts.NodeFlags.Const ? 'const' : list.flags & ts.NodeFlags.Let ? 'let' : 'var';
    return `${keyword} ${list.declarations.map((declaration) => declaration.name.getText(file)).join(', ')}`;
  }
  return undefined;
}

function containerMembers(statement: ts.Statement, start: number, file: ts.SourceFile, text: string): CodeDeclaration[] | undefined {
  if (!ts.isClassDeclaration(statement) && !ts.isInterfaceDeclaration(statement)) return undefined;
  const members: readonly ts.Node[] = statement.members;
  const first = members[0];
  const last = members.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const parts: CodeDeclaration[] = [{ text: text.slice(start, first.pos) }];
  let cursor = first.pos;
  for (const member of members) {
    // The closing brace rides with the last member rather than becoming a chunk of its own.
    const end = member === last ? statement.end : member.end;
    const label = memberLabel(member, file);
    const source = text.slice(cursor, end);
    cursor = end;
    parts.push(label === undefined ? { text: source } : { text: source, label });
  }
  return parts;
}

function memberLabel(member: ts.Node, file: ts.SourceFile): string | undefined {
  const name = (ts.isClassElement(member) || ts.isTypeElement(member)) && member.name !== undefined ? member.name.getText(file) : '';
  if (ts.isConstructorDeclaration(member)) return 'constructor';
  if (ts.isMethodDeclaration(member) || ts.isMethodSignature(member)) return `method ${name}`;
  if (ts.isGetAccessorDeclaration(member)) return `get ${name}`;
  if (ts.isSetAccessorDeclaration(member)) return `set ${name}`;
  if (ts.isPropertyDeclaration(member) || ts.isPropertySignature(member)) return `property ${name}`;
  if (ts.isClassStaticBlockDeclaration(member)) return 'static block';
  return undefined;
}
