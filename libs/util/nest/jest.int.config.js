// Integration specs: real PostgreSQL.
module.exports = {
  displayName: 'util-nest',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 60_000,
};
