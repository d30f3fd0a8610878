// Each spec starts the sandbox in-process on a free port and drives it with jsforce over real HTTP.
// No Kafka or PostgreSQL, so no global setup.
module.exports = {
  displayName: 'salesforce-sandbox',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 30_000,
};
