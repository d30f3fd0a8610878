export * from './lib/webhook-signature';
export * from './lib/salesconnect-api.error';
export * from './lib/salesconnect-change.schema';
export * from './lib/salesconnect.client';
export * from './lib/http-transport';
