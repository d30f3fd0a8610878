export * from './lib/connection-settings';
export * from './lib/sync-change';
export * from './lib/sync-action';
export * from './lib/windows';
export * from './lib/merge-fields';
export * from './lib/decide';
export * from './lib/drift';
