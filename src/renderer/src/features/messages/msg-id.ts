/**
 * Fresh message ids (the protocol's msgId: unique per user forever). crypto.randomUUID exists
 * only in secure contexts, and the browser build is often opened over plain http on a LAN
 * address; getRandomValues works everywhere.
 */
export function newMessageId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `m-${hex}`;
}
