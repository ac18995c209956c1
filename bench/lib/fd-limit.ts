/**
 * The open-file limit, checked before a benchmark opens thousands of sockets: a load generator
 * that runs out of descriptors half-way fails with EMFILE in the middle of its set-up, which reads
 * like a server bug. The server child inherits the same limit (it needs one descriptor per client too).
 */
import { readFileSync } from 'node:fs';

/** The soft RLIMIT_NOFILE of this process, from /proc/self/limits (Infinity if unknown). */
export function openFileLimit(): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
    if (!match || match[1] === 'unlimited') return Infinity;
    return Number(match[1]);
  } catch {
    return Infinity;
  }
}

/** Throws a clear error if `sockets` more descriptors (plus a margin for files, pipes, SQLite) do not fit. */
export function requireOpenFiles(sockets: number, what: string): void {
  const needed = sockets + 256;
  const limit = openFileLimit();
  if (limit < needed) {
    throw new Error(
      `${what} opens ${sockets} sockets but the open-file limit (ulimit -n) is ${limit}: ` +
        `raise it first, e.g. \`ulimit -n ${Math.max(16384, needed)}\` in the shell that runs the benchmark`,
    );
  }
}
