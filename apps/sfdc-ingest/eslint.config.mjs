import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // main.ts is the one place an app reads its environment.
  { files: ['**/src/main.ts'], rules: { 'no-restricted-properties': 'off' } },
  // jsforce is allowed in scope:sfdc projects; this app reads Salesforce with it, behind src/app/salesforce.
  { files: ['**/src/app/salesforce/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
];
