import baseConfig from '../../eslint.config.mjs';

// The checks read each app's config schema, the one list of its environment variables (as each
// app's own compose check does). Those modules are allowed here, by path, and nothing else of the apps.
const APP_CONFIG_SCHEMAS = [
  '../../../apps/connector-settings/src/app/connector-settings.config',
  '../../../apps/sfdc-ingest/src/app/sfdc-ingest.config',
  '../../../apps/salesconnect-ingest/src/app/salesconnect-ingest.config',
  '../../../apps/reconciler/src/app/reconciler.config',
  '../../../tools/provision-topics/src/provision.config',
];

const allowSchemas = (entry) => {
  const rule = entry.rules?.['@nx/enforce-module-boundaries'];
  if (!rule) return entry;
  const [level, options] = rule;
  return {
    ...entry,
    rules: {
      ...entry.rules,
      '@nx/enforce-module-boundaries': [level, { ...options, allow: [...options.allow, ...APP_CONFIG_SCHEMAS] }],
    },
  };
};

export default [
  ...baseConfig.map(allowSchemas),
  // Scripts run by hand (measure, make-secrets) take their input from the environment.
  {
    files: ['**/k8s/scripts/**'],
    rules: { 'no-restricted-properties': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
];
