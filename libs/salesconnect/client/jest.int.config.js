// The client against the built Sales Connect sandbox, started as a process on a free port
// (int-test depends on its build). No Kafka or PostgreSQL, so no global setup.
module.exports = {
  displayName: 'salesconnect-client',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 30_000,
};
