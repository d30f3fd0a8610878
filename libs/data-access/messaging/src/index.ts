export * from './lib/processed-message.entity';
export * from './lib/outbox-message.entity';
export * from './lib/migrations';
export * from './lib/idempotent-processor';
export * from './lib/outbox';
export * from './lib/outbox-relay';
