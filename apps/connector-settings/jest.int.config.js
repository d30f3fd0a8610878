// Integration specs: real PostgreSQL (migrations run as the service runs them at start).
module.exports = {
  displayName: 'connector-settings-int',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 60_000,
};
