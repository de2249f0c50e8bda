// The environment promptfoo runs in. promptfoo phones home even with telemetry off (docs/architecture.md): everything that can
// be switched off is, its state goes to a local folder, and its own HTTP client is pointed at a dead proxy on the
// loopback, so whatever it still tries to send never leaves the machine. The proxy variables reach only promptfoo's
// fetches: Lore's and the graders' SDKs do not read them, and loopback plus the grader's own host bypass it anyway.

/** Nothing listens on the discard port: a proxied request is refused on the spot. */
export const DEAD_PROXY = 'http://127.0.0.1:9';

export interface PromptfooEnvOptions {
  /** promptfoo's config/state folder (its SQLite file, logs). */
  configDir: string;
  /** Hosts that must stay reachable directly (the grader's API when keyed). */
  directHosts?: string[];
}

export function promptfooEnv(base: Record<string, string | undefined>, options: PromptfooEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  const direct = ['127.0.0.1', 'localhost', '::1', ...(options.directHosts ?? [])].join(',');
  return {
    ...env,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_DISABLE_REMOTE_GENERATION: '1',
    PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION: '1',
    METADATA_SERVER_DETECTION: 'none',
    PROMPTFOO_CONFIG_DIR: options.configDir,
    // The gate, not promptfoo, decides pass or fail; with no pass-rate bar promptfoo also always runs the
    // provider's cleanup (it skips it when it fails a run), so the embedded Chroma is stopped cleanly.
    PROMPTFOO_PASS_RATE_THRESHOLD: '0',
    HTTPS_PROXY: DEAD_PROXY,
    HTTP_PROXY: DEAD_PROXY,
    https_proxy: DEAD_PROXY,
    http_proxy: DEAD_PROXY,
    NO_PROXY: direct,
    no_proxy: direct,
  };
}
