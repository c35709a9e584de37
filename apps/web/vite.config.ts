import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { validatorsPlugin } from './scripts/validators-plugin.ts';

/** Where `npm run dev` forwards `/api` (and the websocket) and `/docs`: the Baton server. */
const serverUrl = process.env.BATON_SERVER_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  // validatorsPlugin: the definition and form-schema validators as ajv standalone code (no eval under the CSP).
  plugins: [react(), validatorsPlugin()],
  // The server replaces this placeholder with a fresh nonce per page (apps/server/src/web/web.plugin.ts).
  html: { cspNonce: '__BATON_CSP_NONCE__' },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: serverUrl, ws: true },
      '/docs': { target: serverUrl },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything (the favicon included) goes to assets/ with a content hash: the server caches it forever.
    assetsInlineLimit: 0,
  },
});
