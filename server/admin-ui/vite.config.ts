import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The team server serves this build under /admin/ (server/http/routes/admin-ui.ts): absolute base,
// content-hashed names under assets/ (cached for good), index.html revalidated on every load.
export default defineConfig({
  root,
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../out/server/admin-ui', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // The page's CSP has no 'unsafe-inline': nothing may be inlined into index.html as a data: URL.
    assetsInlineLimit: 0,
  },
});
