/**
 * Made-up codes while the wallet throttles the merchant (U results): a failure on the wallet's side
 * keeps the attempt, so the flood is held to the burst and costs no more signed calls.
 */
import { randomUUID } from 'node:crypto';
import { postJson } from './helpers';
import { closeWorlds, madeUp, makeWorld } from './world';

afterEach(closeWorlds);

it('a flood of made-up codes during wallet throttling is held to the burst', async () => {
  const world = await makeWorld({}, { attemptLimit: { burst: 5, perMinute: 6 } });
  world.wallet.setFault({ type: 'REQUEST_TRAFFIC_EXCEED_LIMIT' }); // the wallet throttles this merchant
  const statuses: number[] = [];
  for (let i = 0; i < 50; i++) statuses.push((await postJson(`${world.url}/api/auth/session`, { authCode: madeUp(), scopes: ['auth_base'] }, { 'Idempotency-Key': randomUUID() })).status);
  const calls = world.wallet.stats.applyToken;
  expect({ limited: statuses.filter((s) => s === 429).length, signedCalls: calls }).toEqual({ limited: 45, signedCalls: 5 });
});
