// Integration specs: real PostgreSQL and, for the service kit, the real Kafka broker (started by the global setup if none answers).
module.exports = {
  displayName: 'util-nest',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/../../../tools/scripts/int-test-global-setup.js',
  globalTeardown: '<rootDir>/../../../tools/scripts/int-test-global-teardown.js',
  testTimeout: 60_000,
};
