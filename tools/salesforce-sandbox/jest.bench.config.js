// The query-page benchmark runs through ts-jest like the specs: `npx nx run salesforce-sandbox:bench`.
module.exports = {
  displayName: 'salesforce-sandbox-bench',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/bench/**/*.bench.ts'],
  testTimeout: 120_000,
};
