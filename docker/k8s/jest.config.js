// The manifests' checks: fast, no broker. The drain under load is apps/platform-int/src/k8s-drain.int-spec.ts.
module.exports = {
  displayName: 'k8s-manifests',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
