import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'dist/**', 'adapters/client/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // the finance dashboard's page script runs in the browser, as plain JS
    files: ['adapters/http/dashboard/assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        fetch: 'readonly',
        URLSearchParams: 'readonly',
        Chart: 'readonly',
      },
    },
  },
  {
    // the layers: core <- application <- adapters / projections / plugins; only the composition
    // root (adapters/runtime) loads plugins. Circles of imports, type-only ones included, are refused
    // by scripts/import-cycles.js, run by `npm run lint` (import-x/no-cycle skips type imports)
    files: ['core/**/*.ts', 'application/**/*.ts', 'adapters/**/*.ts', 'projections/**/*.ts', 'plugins/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.d.ts', '.js', '.mjs'] })] },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './core',
              from: ['./application', './adapters', './projections', './plugins'],
              message: 'the core is pure: it imports only the core',
            },
            {
              target: './application',
              from: ['./adapters', './projections', './plugins'],
              message: 'use cases take ports as arguments: declare the port in application/ports',
            },
            {
              target: './projections',
              from: ['./adapters', './plugins'],
              message: 'read models depend on the core and the application ports only',
            },
            {
              target: './adapters/!(runtime)/**/*',
              from: ['./plugins'],
              message: 'only the composition root (adapters/runtime) loads plugins',
            },
          ],
        },
      ],
    },
  },
  {
    // files short enough to read in one sitting, functions that fit on a screen
    files: ['core/**/*.ts', 'application/**/*.ts', 'projections/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // use cases do no I/O of their own: stores, servers and files come in as ports
    files: ['application/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['express', 'inversify'],
              allowTypeImports: true,
              message: 'application code takes its framework types only as types',
            },
            {
              group: ['pg', 'better-sqlite3', 'node:fs', 'node:net', 'node:http', 'node:child_process'],
              message: 'application code does no I/O: take a port',
            },
          ],
        },
      ],
    },
  },
  {
    // the domain core is fully typed: no `any`, not even in tests' helpers that reach into it
    files: ['core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '**/adapters/**',
            '**/projections/**',
            '**/plugins/**',
            'express',
            'pg',
            'better-sqlite3',
            'inversify',
            'node:fs',
            'node:net',
            'node:http',
          ],
        },
      ],
    },
  },
  {
    // read models depend on the core and their store's port, never on an adapter or a plugin
    files: ['projections/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/adapters/**', '**/plugins/**', 'express', 'inversify'] }],
    },
  },
);
