// @ts-check
// Plain JS on purpose: a TypeScript config needs either the `jiti` package or ESLint's
// `unstable_native_nodejs_ts_config` flag, and editors' ESLint integrations may run an older Node.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import parley from './tools/eslint-layers.js';

const SRC_LAYERS = ['src/main', 'src/preload', 'src/renderer'];

export default defineConfig(
  globalIgnores(['out/', 'dist/', 'coverage/', 'docs/screenshots/', 'test-results/', 'playwright-report/', 'tmp/']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    rules: {
      // Rejecting control characters in names and messages is deliberate protocol validation.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },

  // ---- Layer boundaries ------------------------------------------------------------------------
  // Each block applies `parley/layers` with the options for one directory. The blocks are
  // disjoint (src/main excludes src/main/core), so a file gets exactly one set of options.
  {
    plugins: { parley },
  },
  {
    name: 'parley/layers: src/shared',
    files: ['src/shared/**'],
    rules: {
      'parley/layers': [
        'error',
        {
          layer: 'src/shared',
          reason: 'Shared code runs in every process, including the sandboxed renderer.',
          forbidBuiltins: true,
          forbidPackages: ['electron'],
          forbidDirs: SRC_LAYERS,
        },
      ],
    },
  },
  {
    name: 'parley/layers: src/main/core',
    files: ['src/main/core/**'],
    rules: {
      'parley/layers': [
        'error',
        {
          layer: 'src/main/core',
          reason: 'The network core is plain Node: it also runs headless as parley-server.',
          forbidPackages: ['electron'],
          forbidDirs: ['src/preload', 'src/renderer'],
        },
      ],
    },
  },
  {
    name: 'parley/layers: src/main',
    files: ['src/main/**'],
    ignores: ['src/main/core/**'],
    rules: {
      'parley/layers': [
        'error',
        {
          layer: 'src/main',
          reason: 'The main process talks to the renderer over IPC only.',
          forbidDirs: ['src/preload', 'src/renderer'],
        },
      ],
    },
  },
  {
    name: 'parley/layers: src/preload',
    files: ['src/preload/**'],
    rules: {
      'parley/layers': [
        'error',
        {
          layer: 'src/preload',
          reason: 'The preload runs sandboxed: only electron and src/shared are available.',
          allowPackages: ['electron'],
          allowDirs: ['src/preload', 'src/shared'],
        },
      ],
    },
  },
  {
    name: 'parley/layers: src/renderer',
    files: ['src/renderer/**'],
    rules: {
      'parley/layers': [
        'error',
        {
          layer: 'src/renderer',
          reason: 'The renderer is a sandboxed web page: use src/shared, npm packages and window.parley.',
          forbidBuiltins: true,
          forbidPackages: ['electron'],
          allowDirs: ['src/renderer', 'src/shared'],
        },
      ],
    },
  },
);
