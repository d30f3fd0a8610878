import baseConfig from '../../../eslint.config.mjs';

export default [
  ...baseConfig,
  // jsforce is allowed in scope:sfdc projects; this lib reads the org's change feed with its streaming client.
  { files: ['**/src/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
];
