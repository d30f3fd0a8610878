import baseConfig from '../eslint.config.mjs';

export default [
  ...baseConfig,
  // main.ts is the one place the benchmark reads its environment; the smoke test hands the run its environment.
  { files: ['**/src/main.ts', '**/src/*.e2e-spec.ts'], rules: { 'no-restricted-properties': 'off' } },
];
