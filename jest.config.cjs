/**
 * Jest: TypeScript through ts-jest; DOM tests opt into jsdom with a docblock. The DSL component
 * suites run once more on each other engine the harness models (tests/miniprogram/harness/engine.ts):
 * `$page` a wrapper of the page, no component2 lifecycles, the files after babel's transform.
 */
const project = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { warnOnly: false } }],
  },
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
};

const DSL_SUITES = ['auth-gate', 'consent-button', 'consent-prompt', 'with-authorization', 'secrets', 'demo'];
const OTHER_DSL_ENGINES = ['page-wrapper', 'no-component2', 'babel'];

module.exports = {
  testTimeout: 20000,
  // PostgreSQL for the database tests when MAK_PG_URL is not set (tests/support/postgres-cluster.cjs).
  globalSetup: '<rootDir>/tests/support/global-setup.cjs',
  globalTeardown: '<rootDir>/tests/support/global-teardown.cjs',
  projects: [
    { ...project, displayName: 'kit', roots: ['<rootDir>/tests'], testMatch: ['**/*.test.ts'] },
    ...OTHER_DSL_ENGINES.map((engine) => ({
      ...project,
      displayName: `dsl on ${engine}`,
      roots: ['<rootDir>/tests/miniprogram'],
      testMatch: DSL_SUITES.map((suite) => `**/${suite}.test.ts`),
      globals: { __DSL_ENGINE__: engine },
    })),
  ],
};
