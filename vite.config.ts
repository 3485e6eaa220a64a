import { crx } from '@crxjs/vite-plugin';
import { defineConfig } from 'vite';
import manifest from './manifest.config.ts';
import { keyGuard } from './scripts/key-guard-plugin.ts';

export default defineConfig({
  // keyGuard() after crx(): it adds a plain document_start content script to crxjs's manifest.
  plugins: [crx({ manifest }), keyGuard()],
  build: {
    // The offscreen document is not named in the manifest: build it as an extra page.
    rollupOptions: { input: { offscreen: 'src/offscreen/index.html' } },
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome116',
    sourcemap: false,
    // The service worker must not code-split: import() is disallowed in service workers.
    chunkSizeWarningLimit: 800,
  },
  server: { port: 5173, strictPort: true, cors: { origin: [/^chrome-extension:\/\//] } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
