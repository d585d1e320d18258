// Vite builds the page. `base: './'` makes every asset path relative, so the
// same dist/ works at the site root or under any sub-path (GitHub Pages
// serves a project at /<repo>/). The wasm module loses its debugging names
// on the way into dist/ (see src/wasmStrip.ts).
import { defineConfig, type Plugin } from 'vitest/config';
import { stripWasmNames } from './src/wasmStrip.ts';

function stripWasm(): Plugin {
  return {
    name: 'replscope-strip-wasm-names',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type === 'asset' && file.fileName.endsWith('.wasm') && typeof file.source !== 'string') {
          file.source = stripWasmNames(file.source);
        }
      }
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [stripWasm()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    // Every browser that runs es2022 and wasm also knows modulepreload; the
    // polyfill would be dead weight in the bundle.
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1', port: 8080, strictPort: true },
  preview: { host: '127.0.0.1', port: 8080, strictPort: true },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
