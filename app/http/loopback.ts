import net from 'node:net';

// Loopback is the one network position that proves something: only processes on this machine can reach an address
// in 127.0.0.0/8 or ::1. Lore serves without keys only there (LORE_HOST), and a key-less server only answers requests
// addressed to a loopback name, which is what keeps a web page that rebinds its own domain to 127.0.0.1 out.

/** True for `localhost`, `*.localhost`, 127.0.0.0/8 and ::1 (also as an IPv4-mapped address or in brackets). */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (net.isIPv4(name)) return name.startsWith('127.');
  if (!net.isIPv6(name)) return false;
  // The URL parser writes an IPv6 address in its one canonical form: `0:0:0:0:0:0:0:1` becomes `::1`.
  const canonical = new URL(`http://[${name}]/`).hostname.slice(1, -1);
  if (canonical === '::1') return true;
  const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(canonical);
  return mapped !== null && parseInt(mapped[1]!, 16) >> 8 === 127;
}

/** The host name of a `Host` header (`localhost:8080`, `[::1]:8080`), or undefined when it is not one. */
export function hostOfHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    const { hostname, username, password, pathname } = new URL(`http://${header}`);
    if (username || password || pathname !== '/') return undefined;
    return hostname;
  } catch {
    return undefined;
  }
}
