import { crx } from '@crxjs/vite-plugin';
import { defineConfig } from 'vite';
import manifest, { WEB_ACCESSIBLE } from './manifest.config.ts';
import { onlyDeclaredWebAccessible } from './scripts/web-accessible-plugin.ts';

export default defineConfig({
  // After crx(): it drops the fixed-URL web-accessible entries crxjs adds for built scripts.
  plugins: [crx({ manifest }), onlyDeclaredWebAccessible(WEB_ACCESSIBLE)],
  build: {
    // Pages the manifest does not name: the offscreen document, the toolbar page that the
    // content script frames into enabled sites (web-accessible, src/toolbar/), and the
    // microphone page the popup opens in a tab to get the phone its permission (not
    // web-accessible: only CallBar's own pages open it, src/microphone/).
    rollupOptions: { input: { offscreen: 'src/offscreen/index.html', toolbar: 'src/toolbar/index.html', microphone: 'src/microphone/index.html' } },
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome116',
    sourcemap: false,
    // CB_NOMINIFY=1 npx vite build: readable function names in profiles (BENCHMARKS.md).
    minify: process.env.CB_NOMINIFY ? false : undefined,
    // The service worker must not code-split: import() is disallowed in service workers.
    chunkSizeWarningLimit: 800,
  },
  server: { port: 5173, strictPort: true, cors: { origin: [/^chrome-extension:\/\//] } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
