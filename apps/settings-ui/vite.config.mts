import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The page is served by connector-settings at /settings/crm/salesforce, its assets below it with hashed names.
export default defineConfig({
  root,
  base: '/settings/crm/salesforce/',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: true })],
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/settings-ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline script or style in index.html and no data: URLs: the CSP allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
