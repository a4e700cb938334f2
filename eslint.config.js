import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'net', 'url', 'worker_threads'];

/** Layer rules (see README, Architecture): who may import what. A violation fails `npm run lint`. */
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const group = (group, message) => ({ group, message });

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench/results/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['renderer/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Handlers are uniformly async so any of them may await later; an await-less one is fine.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='only'][callee.object.name=/^(it|test|describe)$/]",
          message: 'No .only in tests: it silently skips the rest of the suite.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/vite.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['scripts/**', 'bin/**', 'bench/**', 'test/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['common/**/*.ts'],
    rules: restrict([
      group([...NODE_BUILTINS, 'electron', 'react', 'react-dom'], 'common/ runs everywhere: no platform modules.'),
      group(
        ['**/main/**', '**/renderer/**', '**/preload/**', '**/server/**'],
        'common/ imports nothing of the other layers.',
      ),
    ]),
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict([
        group([...NODE_BUILTINS, 'electron'], 'The renderer is a web page: no Node or Electron modules.'),
        group(
          ['**/main/**', '**/preload/**', '**/server/**'],
          'The renderer talks to the core only through the API client.',
        ),
      ]),
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: restrict([
      group(['**/main/**', '**/renderer/**', '**/server/**'], 'The preload bridge imports only common/ and electron.'),
    ]),
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: restrict([
      group(['electron', 'electron/*'], "Only main/electron imports 'electron': the core also runs as plain Node."),
      group(['**/renderer/**', '**/preload/**', '**/server/**'], 'main/ does not import the UI or the team server.'),
    ]),
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: restrict([
      group(['**/renderer/**', '**/server/**'], 'The Electron shell does not import UI or server code.'),
    ]),
  },
  {
    files: ['server/**/*.ts'],
    rules: restrict([
      group(['**/main/**', '**/renderer/**', '**/preload/**'], 'server/ shares only common/ with the app.'),
    ]),
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
