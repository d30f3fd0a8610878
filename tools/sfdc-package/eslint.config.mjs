import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // main.ts is the one place an app reads its environment.
  { files: ['**/src/main.ts'], rules: { 'no-restricted-properties': 'off' } },
  // jsforce is allowed in scope:sfdc (this project is tagged scope:sfdc): its Metadata API deploys the package.
  { files: ['**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
];
