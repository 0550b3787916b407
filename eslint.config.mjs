import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'dist/**'] },
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
