import { describe, expect, it } from 'vitest';
import { DEAD_PROXY, promptfooEnv } from '../../evals/promptfoo-env.ts';

describe("promptfoo's environment", () => {
  const env = promptfooEnv(
    { PATH: '/bin', HTTPS_PROXY: 'http://corp-proxy:3128', UNSET: undefined },
    { configDir: '/data/eval/promptfoo', directHosts: ['generativelanguage.googleapis.com'] },
  );

  it('switches off telemetry, update checks, sharing and remote generation, with a local config folder', () => {
    expect(env).toMatchObject({
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_DISABLE_UPDATE: '1',
      PROMPTFOO_DISABLE_SHARING: '1',
      PROMPTFOO_DISABLE_REMOTE_GENERATION: '1',
      PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION: '1',
      METADATA_SERVER_DETECTION: 'none',
      PROMPTFOO_CONFIG_DIR: '/data/eval/promptfoo',
      PATH: '/bin',
    });
    expect('UNSET' in env).toBe(false);
  });

  it('sends whatever promptfoo still tries to send to a dead loopback proxy, except loopback and the grader', () => {
    expect(env.HTTPS_PROXY).toBe(DEAD_PROXY);
    expect(env.http_proxy).toBe(DEAD_PROXY);
    expect(new URL(DEAD_PROXY).hostname).toBe('127.0.0.1');
    expect(env.NO_PROXY!.split(',')).toEqual(['127.0.0.1', 'localhost', '::1', 'generativelanguage.googleapis.com']);
  });
});
