// One set of eval knowledge bases per promptfoo process, shared by the provider (which answers) and the assertions
// (the offline answer-relevance grader embeds with the same runtime's embedder), configured from the environment
// exactly as `lore` is.
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../app/logger.ts';
import { KnowledgeBases } from './knowledge-bases.ts';

let shared: KnowledgeBases | undefined;

export function sharedKnowledgeBases(): KnowledgeBases {
  if (!shared) {
    const config = loadConfig(process.env);
    shared = new KnowledgeBases(config, createLogger(config.logLevel));
  }
  return shared;
}

export async function closeSharedKnowledgeBases(): Promise<void> {
  const closing = shared;
  shared = undefined;
  await closing?.close();
}
