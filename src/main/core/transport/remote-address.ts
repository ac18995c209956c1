/**
 * The address a peer connected from, as limits and logs count it. IPv4 clients of a dual-stack
 * socket appear as ::ffff:a.b.c.d; they are counted by their IPv4 address.
 */
export function normalizeIp(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
