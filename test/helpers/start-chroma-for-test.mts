// Starts the embedded Chroma, prints its URL and waits: the test kills this process with SIGKILL and
// checks that the Chroma server does not outlive it.
import { startChromaServer } from '../../app/chroma-server.ts';
import { createLogger } from '../../app/logger.ts';

const server = await startChromaServer(process.argv[2]!, createLogger('silent'));
process.stdout.write(`${server.url}\n`);
setInterval(() => {}, 1_000);
