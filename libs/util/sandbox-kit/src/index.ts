export * from './lib/sandbox-clock';
export * from './lib/fault-injector';
export * from './lib/call-counter';
export * from './lib/snapshot-file';
export * from './lib/admin-router';
export * from './lib/sandbox-config';
