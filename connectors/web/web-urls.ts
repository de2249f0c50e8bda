/** The URL without its fragment (the same document), or undefined if it is not an http(s) URL. */
export function normalizeUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}

/** The lower-case host names of URLs: the only ones a web sync fetches. */
export function hostsOf(urls: readonly string[]): ReadonlySet<string> {
  return new Set(urls.map((url) => new URL(url).hostname.toLowerCase()));
}

/** Whether a (normalized) URL is on one of the configured hosts. */
export function onHosts(url: string, hosts: ReadonlySet<string>): boolean {
  return hosts.has(new URL(url).hostname.toLowerCase());
}
