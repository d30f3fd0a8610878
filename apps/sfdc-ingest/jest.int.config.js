// Integration specs: real PostgreSQL (the org stream's lease statements run as they do in the service).
module.exports = {
  displayName: 'sfdc-ingest-int',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 60_000,
};
