import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // main.ts is the one place an app reads its environment.
  { files: ['**/src/main.ts'], rules: { 'no-restricted-properties': 'off' } },
];
