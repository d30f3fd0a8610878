// Integration specs: real PostgreSQL (migrations, and the API call counter's statements, run as they do in the service).
module.exports = {
  displayName: 'connector-settings-int',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 60_000,
};
