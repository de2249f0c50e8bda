#!/usr/bin/env node
// Lore is written in TypeScript and runs it directly through tsx: no build step between a clone and a run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli.ts');
process.exitCode = await main(process.argv);
