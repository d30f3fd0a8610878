import baseConfig from '../../../eslint.config.mjs';

export default [
  ...baseConfig,
  // The harness passes configuration to the stack it starts through the environment.
  { files: ['**/src/**'], rules: { 'no-restricted-properties': 'off' } },
];
