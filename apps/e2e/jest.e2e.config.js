// End-to-end scenarios: the whole stack as `npm start` runs it (tools/scripts/start.js), one stack
// per spec file, driven only through public interfaces. The shared global setup provides the
// Kafka broker, the topics and the run's database name (tools/scripts/int-test-global-setup.js).
module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/../../tools/scripts/int-test-global-setup.js',
  globalTeardown: '<rootDir>/../../tools/scripts/int-test-global-teardown.js',
  testTimeout: 120_000,
};
