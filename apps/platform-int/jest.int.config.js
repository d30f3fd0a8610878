// Integration tests: the built services as real processes, the real Kafka broker, real PostgreSQL.
module.exports = {
  displayName: 'platform-int',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/../../tools/scripts/int-test-global-setup-browser.js',
  globalTeardown: '<rootDir>/../../tools/scripts/int-test-global-teardown.js',
  testTimeout: 120_000,
};
