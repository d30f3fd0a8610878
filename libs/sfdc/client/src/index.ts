export * from './lib/salesforce-session';
export * from './lib/salesforce-task.writer';
export * from './lib/salesforce-org-probe';
