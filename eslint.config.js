// Lint: correctness rules plus the architecture's import boundaries.
// Each extension context is its own world (background, content, popup, options,
// toolbar, offscreen, microphone); they share only src/shared (and pages may read provider
// *info*). Only src/offscreen may import JsSIP.
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const boundaries = [
  { target: './src/content', from: './src/background', message: 'content scripts talk to the background only through messages' },
  { target: './src/content', from: './src/popup' },
  { target: './src/content', from: './src/options' },
  { target: './src/content', from: './src/providers', message: 'content scripts never hold provider code or credentials' },
  { target: './src/content', from: './src/offscreen' },
  { target: './src/content', from: './src/toolbar', message: 'the toolbar is a page of its own, framed by the content script; they talk through messages' },
  { target: './src/toolbar', from: './src/content', message: 'the toolbar frame is an extension page; it asks the content script for size and moves through messages' },
  { target: './src/toolbar', from: './src/background', message: 'the toolbar talks to the background only through messages' },
  { target: './src/toolbar', from: './src/popup' },
  { target: './src/toolbar', from: './src/options' },
  { target: './src/toolbar', from: './src/offscreen' },
  { target: './src/toolbar', from: './src/providers', message: 'the toolbar never holds provider code or credentials' },
  { target: './src/popup', from: './src/toolbar' },
  { target: './src/options', from: './src/toolbar' },
  { target: './src/background', from: './src/toolbar' },
  { target: './src/offscreen', from: './src/toolbar' },
  { target: './src/shared', from: './src/toolbar' },
  { target: './src/popup', from: './src/background', message: 'the popup talks to the background only through messages' },
  { target: './src/popup', from: './src/content' },
  { target: './src/popup', from: './src/offscreen' },
  { target: './src/options', from: './src/background', message: 'the options page talks to the background only through messages' },
  { target: './src/options', from: './src/content' },
  { target: './src/options', from: './src/offscreen' },
  { target: './src/options', from: './src/popup' },
  { target: './src/background', from: './src/popup' },
  { target: './src/background', from: './src/options' },
  { target: './src/background', from: './src/content' },
  { target: './src/background', from: './src/offscreen' },
  { target: './src/offscreen', from: './src/background' },
  { target: './src/offscreen', from: './src/popup' },
  { target: './src/offscreen', from: './src/content' },
  { target: './src/providers', from: './src/background' },
  { target: './src/providers', from: './src/popup' },
  { target: './src/providers', from: './src/content' },
  { target: './src/shared', from: './src/background', message: 'shared code must run in every context' },
  { target: './src/shared', from: './src/popup' },
  { target: './src/shared', from: './src/content' },
  { target: './src/shared', from: './src/providers' },
  { target: './src/shared', from: './src/offscreen' },
  // The microphone page (src/microphone/) asks for CallBar's microphone permission; the popup and
  // the options page read that permission through it. Nothing else may: a content script would
  // read the web page's permission, the service worker and the offscreen document have no prompt.
  { target: './src/microphone', from: './src/background' },
  { target: './src/microphone', from: './src/content' },
  { target: './src/microphone', from: './src/popup' },
  { target: './src/microphone', from: './src/options' },
  { target: './src/microphone', from: './src/offscreen' },
  { target: './src/microphone', from: './src/toolbar' },
  { target: './src/microphone', from: './src/providers' },
  { target: './src/background', from: './src/microphone' },
  { target: './src/content', from: './src/microphone' },
  { target: './src/offscreen', from: './src/microphone' },
  { target: './src/toolbar', from: './src/microphone' },
  { target: './src/providers', from: './src/microphone' },
  { target: './src/shared', from: './src/microphone', message: 'shared code must run in every context' },
];

export default tseslint.config(
  { ignores: ['scratch/**', 'dist/**', 'release/**', 'node_modules/**', 'demo-output/**', 'test-output/**', 'test/fixtures/ui/**', 'test/fixtures/sip-peer/dist/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } } },
    languageOptions: { globals: { ...globals.browser, ...globals.node, chrome: 'readonly' } },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: boundaries }],
      'import-x/no-cycle': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'jssip', message: 'Only src/offscreen/ may import JsSIP.' }] }],
    },
  },
  {
    files: ['src/offscreen/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The far-end phone the extension is tested against (a page of its own, never part of the extension).
    files: ['test/fixtures/sip-peer/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
