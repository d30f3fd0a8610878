import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // The harness passes configuration to the processes it starts through their environment.
  { files: ['**/platform-int/src/**'], rules: { 'no-restricted-properties': 'off' } },
];
