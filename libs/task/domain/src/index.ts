export * from './lib/calendar-date';
export * from './lib/task-fields';
export * from './lib/salesconnect-task';
export * from './lib/sfdc-task';
export * from './lib/task-link';
export * from './lib/salesforce-id';
