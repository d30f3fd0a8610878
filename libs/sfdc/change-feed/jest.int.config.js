// The CometD adapter against the built Salesforce sandbox, started as a process on a free port
// (int-test depends on its build). No Kafka or PostgreSQL, so no global setup.
module.exports = {
  displayName: 'sfdc-change-feed',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 30_000,
  // A client whose server went away keeps faye's retry timers (5 s) until they fire and find it closed.
  openHandlesTimeout: 6_000,
};
