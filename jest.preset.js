// Shared jest settings for every project. TZ is pinned to UTC here; date logic also has
// suites that run under other zones on purpose.
process.env.TZ = 'UTC';

const fs = require('node:fs');
const path = require('node:path');

// nx.json asks every jest run for a JSON report here; npm test sums them into its closing line.
fs.mkdirSync(path.join(__dirname, 'tmp', 'jest-results'), { recursive: true });
const { compilerOptions } = require('./tsconfig.base.json');

// Resolve @task-sync/* imports to their sources, exactly as tsconfig.base.json does.
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    path.join(__dirname, target),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
};
