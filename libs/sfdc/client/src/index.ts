export * from './lib/salesforce-session';
export * from './lib/salesforce-task.writer';
