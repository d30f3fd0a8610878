// The Sales Connect sandbox's clients for tests, over HTTP only (nothing of the product):
// import from '@task-sync/salesconnect-sandbox/testing'.
export * from './salesconnect.client';
export * from './api-client';
export * from './webhook-receiver';
