import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The preload runs in a sandboxed renderer: it can require 'electron' and nothing from disk, so
// everything it imports (common/ contract, zod) is bundled into one CommonJS file.
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: fileURLToPath(new URL('../out/preload', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome140',
    minify: false, // a small, readable security boundary is worth more than a few kilobytes
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL('./preload.ts', import.meta.url)),
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rolldownOptions: {
      external: ['electron'],
    },
  },
});
