/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The gateway's API docs page (/api/docs) loads Swagger UI from the SPA's own files, so it works offline.
const swaggerUi: Plugin = {
  name: 'copy-swagger-ui',
  apply: 'build',
  closeBundle() {
    const from = fileURLToPath(new URL('./node_modules/swagger-ui-dist/', import.meta.url));
    const to = fileURLToPath(new URL('./dist/swagger-ui/', import.meta.url));
    mkdirSync(to, { recursive: true });
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png', 'LICENSE']) {
      copyFileSync(from + file, to + file);
    }
  },
};

export default defineConfig({
  base: '/',
  plugins: [react(), swaggerUi],
  resolve: {
    // See src/pages/applications/noAjv.ts.
    alias: { '@rjsf/validator-ajv8': fileURLToPath(new URL('./src/pages/applications/noAjv.ts', import.meta.url)) },
  },
  server: {
    proxy: {
      '/api': {
        target: 'http://127.0.0.1:8000',
        changeOrigin: true,
      },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Each page is its own chunk (see src/router.tsx) and takes only the antd components it uses; only
    // React and the router, which every page needs, are grouped, so they stay cached across releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/, priority: 30 }],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // jsdom + antd render slowly on a loaded 2-core CI machine, where these tests share the cores with both
    // Python passes and their browsers: 5 s and then 30 s were seen to be too tight (a form test took 3 s alone).
    testTimeout: 90000,
    // One jsdom and one import of antd per worker instead of per test file: the run took 421 s (119 s CPU)
    // isolated and 90 s (34 s CPU) so, on a loaded 2-core machine. What a test file leaves behind (DOM, mocks,
    // stubs, language, tokens, location) is reset after every test in src/test/setup.ts.
    isolate: false,
    // Through Vite, so the alias above applies inside rjsf too.
    server: { deps: { inline: [/@rjsf\//] } },
  },
});
