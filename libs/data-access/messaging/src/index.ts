export * from './lib/migrations';
export * from './lib/idempotent-processor';
export * from './lib/outbox';
export * from './lib/outbox-relay';
