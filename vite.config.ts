import { readFileSync } from 'node:fs';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { readmeHtml } from './scripts/lib/readmePage.ts';

const api = process.env.WALLBOARD_DEV_API ?? 'http://localhost:3000';

/** The README beside the client (readme.html), so a screen can link to its sections. */
const readme: Plugin = {
  name: 'wallboard-readme',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'readme.html', source: readmeHtml(readFileSync(new URL('./README.md', import.meta.url), 'utf8')) });
  },
};

export default defineConfig({
  root: 'client',
  plugins: [svelte(), readme],
  build: { outDir: '../dist/client', emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: {
    proxy: {
      '/api': api,
      '/healthz': api,
      '/socket.io': { target: api, ws: true },
    },
  },
});
