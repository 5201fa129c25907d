// The settings file: a misspelt field stops the server naming it, where it used to fall back to its default unseen.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../server/settings.ts';

const dir = mkdtempSync(join(tmpdir(), 'wallboard-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (content: unknown) => {
  const path = join(dir, `settings-${++files}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe('the settings file', () => {
  it("reads the README's example and its feeds.twilio example", () => {
    const settings = loadSettings(
      file({
        queues: [
          {
            id: 'sales',
            name: 'Sales',
            serviceLevelSeconds: 30,
            serviceLevelTarget: 0.8,
            shortAbandonSeconds: 5,
            abandonRateTarget: 0.05,
            asaTargetSeconds: 30,
            ahtTargetSeconds: 300,
          },
        ],
        teams: [{ id: 'north', name: 'North team', agents: ['a01', 'a02'], queues: ['sales'], rules: { longHold: { seconds: 60 } } }],
        serviceLevelTarget: 0.8,
        targets: { csat: 0.85, fcr: 0.75, ahtSeconds: 300, asaSeconds: 30, qa: 0.9 },
        rules: { longHold: { seconds: 90 } },
        boards: [{ id: 'floor2', name: 'Floor 2', queues: ['sales', 'billing'] }],
        delayedAfterSeconds: 120,
        locale: 'en',
        liveCallTimeoutMinutes: 240,
        feeds: { twilio: { publicUrl: 'https://wall.example.com/api/v1/feeds/twilio', activities: { Lunch: 'break' } } },
      }),
    );
    expect(settings.queues[0]!.serviceLevelSeconds).toBe(30);
    expect(settings.rules.longHold.seconds).toBe(90);
  });

  it.each([
    [{ queue: [] }, '(root): unknown field "queue"'],
    [{ queues: [{ id: 'sales', serviceLevelSecond: 20 }] }, 'queues.0: unknown field "serviceLevelSecond"'],
    [{ teams: [{ id: 'north', agent: ['a01'] }] }, 'teams.0: unknown field "agent"'],
    [{ targets: { csat: 0.8, fcrTarget: 0.7 } }, 'targets: unknown field "fcrTarget"'],
    [{ boards: [{ id: 'b', queues: ['x'], queue: 'y' }] }, 'boards.0: unknown field "queue"'],
    [{ rules: { longHld: { seconds: 60 } } }, 'rules: unknown field "longHld"'],
    [{ feeds: { twilio: { publicURL: 'https://x.example/api/v1/feeds/twilio' } } }, 'feeds.twilio: unknown field "publicURL"'],
  ])('refuses %j naming the field', (content, message) => {
    const path = file(content);
    expect(() => loadSettings(path)).toThrow(`WALLBOARD_CONFIG ${path}: ${message}`);
  });
});
