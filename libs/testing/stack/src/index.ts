export * from './http';
export * from './salesconnect';
export * from './salesforce';
export * from './stack';
export * from './sync-user';
