// Integration specs: each starts the sandbox in-process on a free port and drives it over real HTTP.
// No Kafka or PostgreSQL needed, so no global setup.
module.exports = {
  displayName: 'salesconnect-sandbox',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 20_000,
};
