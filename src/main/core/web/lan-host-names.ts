/**
 * Which Host and Origin headers the web UI accepts (web-server.ts checks every request and
 * WebSocket handshake with these).
 *
 * Security: the Host must be a name a DNS-rebinding attacker cannot point at this machine, and a
 * WebSocket's Origin must be this same server (cross-site WebSocket hijacking).
 */
import { isIP } from 'node:net';

const LAN_SUFFIXES = ['.local', '.lan', '.home', '.home.arpa', '.internal', '.localdomain', '.localhost'];

/** The host name (lower case, no port, no brackets, no trailing dot) of a Host header value. */
export function hostNameOf(hostHeader: string): string | undefined {
  try {
    const url = new URL(`http://${hostHeader}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
    return url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/**
 * Host names a DNS-rebinding attacker cannot point at this machine: IP addresses, localhost,
 * single-label names (no public DNS name has one label) and the reserved or conventional LAN
 * suffixes (mDNS `.local`, `.lan`, `.home.arpa`…). A public name like `evil.example` resolving to
 * a LAN address is exactly the attack, so it is refused unless configured in `allowedHosts`.
 */
export function isLanHostName(name: string, extra: readonly string[] = []): boolean {
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || !name.includes('.')) return true;
  if (LAN_SUFFIXES.some((suffix) => name.endsWith(suffix))) return true;
  return extra.includes(name);
}

/**
 * Browsers always send Origin on a WebSocket handshake; it must name this same server (scheme
 * http or https, and exactly the host:port the browser addressed). A page from any other site —
 * or a sandboxed/opaque one ("null") — is refused.
 */
export function originMatchesHost(origin: string, hostHeader: string): boolean {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (url.origin === 'null') return false;
    const host = new URL(`http://${hostHeader}`).host;
    return url.host === host;
  } catch {
    return false;
  }
}
