// Integration tests: the built services as real processes, the real Kafka broker, real PostgreSQL.
module.exports = {
  displayName: 'platform-int',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/../../tools/scripts/int-test-global-setup-browser.js',
  globalTeardown: '<rootDir>/../../tools/scripts/int-test-global-teardown.js',
  // Two suites at a time, each worker on a broker and databases of its own (the global setup's
  // setupWorkers, applied per worker by int-test-worker-env.js): the suites spend much of their time waiting.
  maxWorkers: 2,
  setupFiles: ['<rootDir>/../../tools/scripts/int-test-worker-env.js'],
  testTimeout: 120_000,
};
