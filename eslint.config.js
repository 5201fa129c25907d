// ESLint: typescript-eslint for the server, shared code and tests; eslint-plugin-svelte for the client.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'data/', '.data/', '.scratch/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  // Size: a file past 300 lines is asking to be split (functions: test/architecture.test.ts counts their own lines).
  {
    files: ['server/**/*.ts', 'shared/**/*.ts', 'client/src/**/*.{ts,svelte}', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }],
    },
  },
  // The message catalogues are data, one line a message: they grow with the screens, not with any one piece of logic.
  { files: ['client/src/lib/i18n/en.ts', 'client/src/lib/i18n/es.ts'], rules: { 'max-lines': 'off' } },
  // The module map (docs/architecture.md): dependencies point one way, http and socket → domain → redis.
  ...layer('shared/**/*.ts', ['**/server/**', '**/client/**'], 'shared/ is imported by both sides and imports neither'),
  ...layer(
    'server/domain/**/*.ts',
    ['**/http/**', '**/socket/**', '**/auth/**', '../app.ts', '../jobs.ts', '../main.ts'],
    'the domain knows no HTTP, socket or auth',
  ),
  ...layer(
    'server/redis/**/*.ts',
    ['**/http/**', '**/socket/**', '**/domain/**', '**/auth/**', '../app.ts', '../jobs.ts', '../settings.ts'],
    'the store only reads, runs scripts and retries',
  ),
  ...layer('server/auth/**/*.ts', ['**/http/**', '**/socket/**', '**/domain/**', '../app.ts', '../jobs.ts'], 'auth/ keeps people and tokens, below the domain'),
  ...layer(
    'server/adapters/**/*.ts',
    ['**/http/**', '**/socket/**', '**/domain/**', '**/redis/**', '**/auth/**', '../app.ts', '../jobs.ts', '../main.ts', '../config.ts', '../settings.ts'],
    "an adapter is pure: it maps one platform's data to contract events and knows no other part of the server",
  ),
  ...layer('server/socket/**/*.ts', ['**/http/**', '../app.ts', '../jobs.ts'], 'the socket layer does not reach into HTTP'),
  ...layer('server/http/**/*.ts', ['**/socket/**', '../app.ts', '../jobs.ts'], 'HTTP does not reach into the socket layer: it tells app.ts through `notify`'),
  ...layer('client/src/**/*.{ts,svelte}', ['**/server/**'], 'the client imports shared/, never the server'),
);

/** Forbids a folder's files to import the given paths (ESLint's own rule: no plugin to install). */
function layer(files, forbidden, why) {
  return [{ files: [files], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message: `Module map: ${why}.` }] }] } }];
}
