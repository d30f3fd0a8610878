import nx from '@nx/eslint-plugin';

/** Tag rules. Domain code imports nothing from npm; specs may add the property-testing library. */
const depConstraints = (testExternals) => [
  // Domain libs are plain TypeScript: no framework, no I/O, nothing from npm.
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain'],
    allowedExternalImports: [...testExternals],
  },
  // Contracts may use the one validation library and the domain model.
  {
    sourceTag: 'type:contracts',
    onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'],
    allowedExternalImports: ['zod', ...testExternals],
  },
  {
    sourceTag: 'type:util',
    onlyDependOnLibsWithTags: ['type:util', 'type:contracts', 'type:domain'],
  },
  // A client of an outside API (HTTP, signatures): framework-free, used by apps and the sandboxes.
  {
    sourceTag: 'type:client',
    onlyDependOnLibsWithTags: ['type:client', 'type:util', 'type:domain'],
  },
  {
    sourceTag: 'type:data-access',
    onlyDependOnLibsWithTags: ['type:data-access', 'type:client', 'type:util', 'type:contracts', 'type:domain'],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:data-access', 'type:client', 'type:util', 'type:contracts', 'type:domain'],
  },
  // Test projects drive the stack from outside; they may share only libs, never apps.
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: ['type:testing', 'type:util', 'type:contracts', 'type:domain'],
  },
  // The harness they share: the stack as `npm start` runs it, composed with each sandbox's own test
  // clients (the sandboxes' `testing` projects, type:testing themselves).
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:testing', 'type:util', 'type:contracts', 'type:domain'],
  },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: ['type:client', 'type:util', 'type:contracts', 'type:domain'],
  },
  // jsforce and Salesforce-specific code stay in scope:sfdc (plus shared libs).
  { sourceTag: 'scope:sfdc', onlyDependOnLibsWithTags: ['scope:sfdc', 'scope:shared'] },
  { sourceTag: 'scope:salesconnect', onlyDependOnLibsWithTags: ['scope:salesconnect', 'scope:shared'] },
  // connector-settings connects Salesforce (OAuth), so it may use the Salesforce libs.
  { sourceTag: 'scope:settings', onlyDependOnLibsWithTags: ['scope:settings', 'scope:sfdc', 'scope:shared'] },
  // The reconciler writes to Sales Connect through its client.
  {
    sourceTag: 'scope:reconciler',
    onlyDependOnLibsWithTags: ['scope:reconciler', 'scope:salesconnect', 'scope:sfdc', 'scope:shared'],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
];

/** Specs may also use test fixtures, which come through `testing` projects (type:testing). */
const withTestingProjects = (constraints) =>
  constraints.map((c) =>
    c.sourceTag.startsWith('type:') && !c.onlyDependOnLibsWithTags.includes('type:testing')
      ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
      : c,
  );

const boundaries = (testExternals, forSpecs = false) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    allow: [],
    depConstraints: forSpecs ? withTestingProjects(depConstraints(testExternals)) : depConstraints(testExternals),
    banTransitiveDependencies: true,
  },
];

// Module boundaries are enforced, not hoped for: every project carries a type: and a scope: tag.
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/.lib', '**/.data', '**/tmp'] },
  {
    files: ['**/src/**/*.ts', '**/src/**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries([]),
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'jsforce', message: 'jsforce is used only in scope:sfdc projects.' }] },
      ],
      // Configuration is read once at boot by each app's config schema.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through the app config schema.' },
      ],
    },
  },
  {
    files: ['**/src/**/*.spec.ts', '**/src/**/*.int-spec.ts', '**/src/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(['fast-check'], true) },
  },
];
