#!/usr/bin/env node
// Lore is written in TypeScript and runs it directly through tsx: no build step between a clone and a run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli.ts');
const code = await main(process.argv);
process.exitCode = code;
// Every command has released what it opened by now. A third-party client that leaves a timer or socket behind
// (discord.js reconnecting to a gateway that went away) must not keep a finished command, or a stopped
// `lore start`, alive: the unref'd timer fires only if something else is still holding the process open.
setTimeout(() => process.exit(code), 1_000).unref();
