// The sandboxes' own test clients, composed here with the stack, the processes and the waiting.
export * from '@task-sync/util-sandbox-kit/testing';
export * from '@task-sync/salesforce-sandbox/testing';
export * from '@task-sync/salesconnect-sandbox/testing';
export * from './browser-connect';
export * from './http';
export * from './stack';
export * from './service-process';
export * from './sync-user';
export * from './user-token';
export * from './wait';
