/** One top-level statement group of a source file, as the language-specific splitters see it. */
export interface CodeDeclaration {
  /** Source text including leading comments, doc comments and decorators. */
  text: string;
  /** Heading-path label such as `class Indexer` or `function main`; absent for imports and loose statements. */
  label?: string;
  /**
   * For containers (classes, interfaces): the header then one entry per member. Their texts
   * concatenate to `text`, so an oversized container can be cut between members.
   */
  members?: CodeDeclaration[];
}
