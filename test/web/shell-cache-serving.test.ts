/**
 * How the web server hands out the browser build's service worker (src/renderer/public/sw.js):
 * never HTTP-cached (each load's update check reaches the server), allowed to control the whole
 * origin, and a CSP that lets the page register it (worker-src 'self') and nothing from
 * elsewhere. Real files in a temp folder served by StaticFiles on a real HTTP server.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/core/server/logger.ts';
import { resolveWebRoot, SERVICE_WORKER, StaticFiles } from '../../src/main/core/web/static-files.ts';
import { cleanupAll, onCleanup, tempDir } from '../support/harness.ts';

afterEach(cleanupAll);

async function serveFolder(): Promise<number> {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script type="module" src="/assets/index-AbCdEfGh.js"></script>',
  );
  writeFileSync(join(dir, SERVICE_WORKER), "self.addEventListener('fetch', () => {});\n");
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'index-AbCdEfGh.js'), 'console.log(1);\n');
  const files = new StaticFiles(await resolveWebRoot(dir), silentLogger);
  const server = createServer((req, res) => void files.serve(req, res));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  onCleanup(() => new Promise<void>((done) => server.close(() => done())));
  return (server.address() as AddressInfo).port;
}

function get(port: number, path: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the app-shell service worker over HTTP', () => {
  it('is served as JavaScript, never cached by HTTP, allowed the whole origin', async () => {
    const port = await serveFolder();
    const reply = await get(port, `/${SERVICE_WORKER}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-cache');
    expect(reply.headers['service-worker-allowed']).toBe('/');
    expect(reply.body).toContain("addEventListener('fetch'");
  });

  it('keeps the strict CSP on every file, with worker-src limited to the origin', async () => {
    const port = await serveFolder();
    for (const path of ['/', `/${SERVICE_WORKER}`, '/assets/index-AbCdEfGh.js']) {
      const csp = (await get(port, path)).headers['content-security-policy'] ?? '';
      expect(csp).toContain("worker-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe');
    }
    // Only the worker gets the scope header; hashed files stay immutable.
    expect((await get(port, '/')).headers['service-worker-allowed']).toBeUndefined();
    expect((await get(port, '/assets/index-AbCdEfGh.js')).headers['cache-control']).toContain('immutable');
  });
});
