// Integration specs: real PostgreSQL (the link store's statements run as they do in the service).
module.exports = {
  displayName: 'reconciler-int',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 60_000,
};
