// Unit tests of the test harness itself (fast, no broker).
module.exports = {
  displayName: 'platform-int',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
