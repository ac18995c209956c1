import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      // Packaged, the hosted-server worker runs from app.asar.unpacked (a worker cannot start from
      // inside the archive), where Node cannot resolve packages kept inside app.asar/node_modules:
      // the packages it imports are bundled, so the worker and its chunks need nothing else.
      externalizeDeps: { exclude: ['zod', 'multicast-dns', 'file-type', 'image-size', 'sanitize-filename'] },
      rolldownOptions: {
        input: {
          // out/main/index.js: the Electron main process (package.json "main").
          index: resolve(root, 'src/main/index.ts'),
          // out/main/parley-server.js: the headless server, imported by bin/parley-server.js.
          'parley-server': resolve(root, 'src/main/core/cli/parley-server.ts'),
          // out/main/hosted-server-worker.js: the room server the app hosts, run in a worker thread
          // (HostedServer's workerUrl, src/main/index.ts).
          'hosted-server-worker': resolve(root, 'src/main/core/host/hosted-server-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads cannot require() npm packages at runtime: bundle everything.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: {
          // Sandboxed preloads must be a single classic script: CommonJS, no chunks.
          format: 'cjs',
          entryFileNames: '[name].cjs',
          codeSplitting: false,
        },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [react()],
    build: {
      // electron-vite leaves bundles unminified; the renderer is also served to phones over Wi-Fi
      // (parley-server --web), where a third of the bytes loads noticeably faster.
      minify: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src/renderer/index.html') },
      },
    },
  },
});
