import cliProgress from 'cli-progress';
import type { IndexProgress } from '../rag/index/indexer.ts';

/** A progress bar on stderr for people at a terminal; silent for scripts, pipes and `--json`. */
export function progressBar(label: string, enabled: boolean): { update(p: IndexProgress): void; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {value}/{total} {file}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update({ done, total, current }) {
      if (!started) {
        bar.start(total, done, { file: '' });
        started = true;
      }
      bar.update(done, { file: current ? shorten(current) : '' });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function shorten(text: string, max = 40): string {
  return text.length <= max ? text : `…${text.slice(-(max - 1))}`;
}
