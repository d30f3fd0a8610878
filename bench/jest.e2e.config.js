// The benchmark's smoke test: `npm run bench`'s program with a small setting, on the same broker
// and PostgreSQL as the end-to-end scenarios (their global setup: broker, topics, database name).
module.exports = {
  displayName: 'bench',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/../tools/scripts/int-test-global-setup.js',
  globalTeardown: '<rootDir>/../tools/scripts/int-test-global-teardown.js',
  testTimeout: 600_000,
};
