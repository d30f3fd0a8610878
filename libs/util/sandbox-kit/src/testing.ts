// Test clients of what both sandboxes share: import from '@task-sync/util-sandbox-kit/testing'.
export * from './testing/admin-client';
