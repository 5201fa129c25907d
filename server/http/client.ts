// The built client: its assets, and index.html for every screen's path.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';

const SCREENS = ['/', '/wall', '/lead', '/agent', '/login', '/admin', '/supervisor', '/calls', '/reports', '/quality'];

export function serveClient(app: express.Express, clientDir: string | undefined): void {
  const index = clientDir ? join(clientDir, 'index.html') : undefined;
  if (clientDir && index && existsSync(index)) {
    app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
    app.get(SCREENS, (_req, res) => res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } }));
    return;
  }
  app.get(SCREENS, (_req, res) => res.status(503).type('text').send('The client is not built: run `npm run build` (npm start does it for you).'));
}
