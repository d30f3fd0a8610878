export * from './lib/salesforce-session';
export * from './lib/salesforce-task.writer';
export * from './lib/salesforce-org-probe';
export * from './lib/task-soql';
export * from './lib/salesforce-task.reader';
export * from './lib/import-soql';
export * from './lib/salesforce-import-preview.reader';
