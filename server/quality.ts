// Wires quality evaluations: the store, forms, evaluations and their live channel; a release enters the figures through ingest.
import type { Directory } from './auth/directory.ts';
import type { Clock } from './domain/clock.ts';
import type { Ingest } from './domain/ingest.ts';
import { createQaEvaluations } from './domain/qaEvaluations.ts';
import { createQaForms } from './domain/qaForms.ts';
import type { RedisClient } from './redis/connect.ts';
import type { StoreKeys } from './redis/keys.ts';
import { createQaStore } from './redis/qaStore.ts';
import type { LiveServer } from './socket/hub.ts';
import { createQaChannel } from './socket/qa.ts';

export function createQuality(deps: {
  redis: RedisClient;
  keys: StoreKeys;
  clock: Clock;
  directory: Directory;
  ingest: Ingest;
  io: LiveServer;
  publish: (scopes: Set<string>) => void;
}) {
  const store = createQaStore({ redis: deps.redis, keys: deps.keys });
  const forms = createQaForms({ store, clock: deps.clock });
  const evaluations = createQaEvaluations({
    store,
    forms,
    clock: deps.clock,
    channel: createQaChannel(deps.io),
    teamsOf: async (agent) => [...(await deps.directory.teams.teamsTouching([agent], []))],
    // The same path as POST /api/v1/events: ingest, then tell the screens which scopes changed.
    feed: async (event) => deps.publish((await deps.ingest.ingest([event])).scopes),
  });
  return { forms, evaluations };
}
