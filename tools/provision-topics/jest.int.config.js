// Integration spec against the real Kafka broker (started by the global setup if none answers).
module.exports = {
  displayName: 'provision-topics',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/../scripts/int-test-global-setup.js',
  globalTeardown: '<rootDir>/../scripts/int-test-global-teardown.js',
  testTimeout: 60_000,
};
