// The Salesforce sandbox's clients for tests, over HTTP only (no jsforce, nothing of the product):
// import from '@task-sync/salesforce-sandbox/testing'.
export * from './salesforce-admin.client';
export * from './salesforce-user.client';
