import js from '@eslint/js';
import { dirname, resolve, sep } from 'node:path';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'net', 'url', 'worker_threads'];

/** Layer rules (see README, Architecture): who may import what. A violation fails `npm run lint`. */
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const group = (group, message) => ({ group, message });

/**
 * `layers/imports-within`: every relative import of a file must resolve inside one of the allowed
 * folders. Patterns on the import text can't say "server/ but not server/admin-ui/" (the same module
 * is `../../http/x.js` from one file and `../http/x.js` from another); the resolved path can.
 */
const layersPlugin = {
  rules: {
    'imports-within': {
      meta: {
        type: 'problem',
        schema: [
          {
            type: 'object',
            properties: { allow: { type: 'array', items: { type: 'string' } }, message: { type: 'string' } },
            required: ['allow', 'message'],
          },
        ],
      },
      create(context) {
        const { allow, message } = context.options[0];
        const roots = allow.map((dir) => resolve(import.meta.dirname, dir));
        const check = (node, source) => {
          if (typeof source !== 'string' || !source.startsWith('.')) return;
          const target = resolve(dirname(context.filename), source);
          if (!roots.some((root) => target === root || target.startsWith(root + sep))) {
            context.report({ node, message: `${message} (${source})` });
          }
        };
        return {
          ImportDeclaration: (node) => check(node, node.source.value),
          ExportNamedDeclaration: (node) => check(node, node.source?.value),
          ExportAllDeclaration: (node) => check(node, node.source.value),
          ImportExpression: (node) => check(node, node.source.value),
        };
      },
    },
  },
};

/** Relative imports of these files must resolve inside the `allow` folders (see `layers/imports-within`). */
const importsWithin = (allow, message) => ({ 'layers/imports-within': ['error', { allow, message }] });

/** A layer that runs in the browser (the two web pages and their shared ui/): DOM globals, React's hook rules. */
const webLayer = (files, rules) => ({
  files,
  languageOptions: { globals: { ...globals.browser } },
  plugins: { 'react-hooks': reactHooks, layers: layersPlugin },
  rules: { ...reactHooks.configs.recommended.rules, ...rules },
});

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench/results/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['renderer/vite.config.ts', 'server/admin-ui/vite.config.ts'] },
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
        ['**/main/**', '**/renderer/**', '**/preload/**', '**/server/**', '**/ui/**'],
        'common/ imports nothing of the other layers.',
      ),
    ]),
  },
  // The building blocks both web pages share: DOM and React only, so either page can import them
  // without pulling in the other's code, the app's core, the team server or Node.
  webLayer(['ui/**/*.{ts,tsx}'], {
    ...restrict([
      group([...NODE_BUILTINS, 'electron', 'electron/*'], 'ui/ is DOM-only: no Node or Electron modules.'),
      { regex: '^(?!\\.|react(-dom)?(/|$))', message: 'ui/ imports only react and react-dom from packages.' },
    ]),
    ...importsWithin(['ui'], 'ui/ is shared by both web pages: it imports only files inside ui/'),
  }),
  webLayer(
    ['renderer/src/**/*.{ts,tsx}'],
    restrict([
      group([...NODE_BUILTINS, 'electron'], 'The renderer is a web page: no Node or Electron modules.'),
      group(
        ['**/main/**', '**/preload/**', '**/server/**'],
        'The renderer talks to the core only through the API client.',
      ),
    ]),
  ),
  {
    files: ['preload/**/*.ts'],
    rules: restrict([
      group(
        ['**/main/**', '**/renderer/**', '**/server/**', '**/ui/**'],
        'The preload bridge imports only common/ and electron.',
      ),
    ]),
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: restrict([
      group(['electron', 'electron/*'], "Only main/electron imports 'electron': the core also runs as plain Node."),
      group(
        ['**/renderer/**', '**/preload/**', '**/server/**', '**/ui/**'],
        'main/ does not import the UI or the team server.',
      ),
    ]),
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: restrict([
      group(['**/renderer/**', '**/server/**', '**/ui/**'], 'The Electron shell does not import UI or server code.'),
    ]),
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/admin-ui/**'],
    rules: restrict([
      group(['**/main/**', '**/renderer/**', '**/preload/**', '**/ui/**'], 'server/ shares only common/ with the app.'),
      group(['**/admin-ui/**'], 'The server serves the admin UI as built files; it never imports its code.'),
    ]),
  },
  // The admin web UI is a web page like the renderer: common/, ui/ and UI libraries, nothing of the
  // server around it, the desktop app or Node.
  webLayer(['server/admin-ui/src/**/*.{ts,tsx}'], {
    ...restrict([
      group([...NODE_BUILTINS, 'electron'], 'The admin UI is a web page: no Node or Electron modules.'),
      group(
        ['**/main/**', '**/renderer/**', '**/preload/**'],
        'The admin UI shares only common/ and ui/ with the app (shared components go to ui/).',
      ),
    ]),
    ...importsWithin(
      ['server/admin-ui/src', 'common', 'ui'],
      'The admin UI talks to the server only over HTTP: import admin-ui/src, common/ or ui/ only',
    ),
  }),
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
