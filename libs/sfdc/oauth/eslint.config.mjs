import baseConfig from '../../../eslint.config.mjs';

export default [
  ...baseConfig,
  // jsforce is allowed in scope:sfdc projects; this lib is where OAuth with it lives.
  { files: ['**/src/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
];
