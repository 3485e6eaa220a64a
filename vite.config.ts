import { crx } from '@crxjs/vite-plugin';
import { defineConfig } from 'vite';
import manifest from './manifest.config.ts';

export default defineConfig({
  plugins: [crx({ manifest })],
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
