/**
 * Jest's global setup and teardown: PostgreSQL for the database tests. When MAK_PG_URL is not set
 * (a developer's machine; `.ci/run` starts its own cluster and sets it), a throwaway cluster is
 * started with `scripts/pg-cluster.sh` and stopped after the run. Without PostgreSQL installed
 * nothing starts, and the database tests fail saying so (tests/server/support/pg.ts): never a skip.
 */
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const script = join(__dirname, '../../scripts/pg-cluster.sh');

async function setup() {
  if (process.env.MAK_PG_URL) return;
  let exports;
  try {
    exports = execFileSync('bash', [script, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return;
  }
  for (const [, name, value] of exports.matchAll(/^export (MAK_PG_URL|MAK_PG_DIR)=(.*)$/gm)) process.env[name] = value;
  process.env.MAK_PG_STARTED = process.env.MAK_PG_DIR;
}

async function teardown() {
  const dir = process.env.MAK_PG_STARTED;
  if (!dir) return;
  execFileSync('bash', [script, 'stop', dir], { stdio: 'ignore' });
}

module.exports = { setup, teardown };
