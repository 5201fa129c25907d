// Builders for test events: a call's story in a few lines, with ids and instants filled in.
import type { TestApp } from './app.ts';

let seq = 0;
export const T0 = Date.parse('2026-03-10T14:00:00Z');
export const s = (seconds: number) => T0 + seconds * 1000;

export function ev(type: string, at: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: `e${++seq}-${Math.random().toString(36).slice(2, 8)}`, type, ts: at, ...fields };
}

export async function send(app: TestApp, events: unknown[]): Promise<{ status: number; body: any }> {
  return app.request('POST', '/api/v1/events', { token: app.ingestToken, body: events });
}

export async function metrics(app: TestApp, scope: string, day?: string): Promise<any> {
  const res = await app.request('GET', `/api/v1/metrics?scope=${encodeURIComponent(scope)}${day ? `&day=${day}` : ''}`, { token: app.apiToken });
  if (res.status !== 200) throw new Error(`metrics ${scope}: ${res.status} ${res.text}`);
  return res.body;
}
