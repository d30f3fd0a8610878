export * from './lib/api-allowance';
export * from './lib/api-calls.config';
export * from './lib/connector-settings-api-calls.client';
export * from './lib/org-api-call.ledger';
export * from './lib/usage-buckets';
