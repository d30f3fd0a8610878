// Integration specs: real PostgreSQL (and the real broker where a spec says so).
module.exports = {
  displayName: 'data-access-connection-settings',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 60_000,
};
