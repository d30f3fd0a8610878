// Unit tests of the page's pure view logic (formatting, grouping, paging): plain TS, no DOM.
module.exports = {
  displayName: 'settings-ui',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
