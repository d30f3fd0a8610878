import baseConfig from '../../../eslint.config.mjs';

export default [
  ...baseConfig,
  // jsforce is allowed in scope:sfdc projects; this lib is where our services reach Salesforce with it.
  { files: ['**/src/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
];
