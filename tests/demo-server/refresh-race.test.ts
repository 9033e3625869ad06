/**
 * Two backends over one database refreshing one customer's tokens at once: the one the wallet refused
 * (the other had rotated the refresh token) waits for the rotated tokens instead of asking the user to
 * authorize again.
 */
import { randomUUID } from 'node:crypto';
import { waitUntil } from '../support/wait-until';
import { postJson } from './helpers';
import { closeWorlds, codeFor, makeWorld, session } from './world';

afterEach(closeWorlds);

it('the backend whose refresh lost the rotation race keeps the session (the other one stored new tokens)', async () => {
  const world = await makeWorld();
  const first = world.url;
  // The second backend's wallet answers travel a little slower (another process, another network path).
  const slow = async (url: string, init: RequestInit) => {
    const response = await fetch(url, init);
    const text = await response.text();
    if (String(init.body).includes('REFRESH_TOKEN')) await new Promise((r) => setTimeout(r, 300));
    return new Response(text, { status: response.status, headers: response.headers });
  };
  const second = await world.startBackend({ fetchImpl: slow });
  const opened = await session(world, codeFor(world), ['auth_base'], randomUUID(), first);
  expect(opened.status).toBe(200);
  const id = opened.json.sessionId;
  const refresh = (url: string) => postJson(`${url}/api/auth/refresh`, {}, { Authorization: `Bearer ${id}` });
  const slowOne = refresh(second.url);
  await waitUntil(() => world.wallet.stats.refreshToken >= 1, "the slow backend's refresh to reach the wallet");
  const fastOne = await refresh(first);
  const answers = [fastOne, await slowOne].map((a) => a.status);
  const after = await postJson(`${first}/api/auth/refresh`, {}, { Authorization: `Bearer ${id}` });
  expect({ answers, after: after.status }).toEqual({ answers: [200, 200], after: 200 });
});
