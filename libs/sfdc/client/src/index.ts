export * from './lib/salesforce-session';
export * from './lib/salesforce-task.writer';
export * from './lib/salesforce-org-probe';
export * from './lib/task-soql';
export * from './lib/salesforce-task.reader';
export * from './lib/record-result';
export * from './lib/task-write-composite';
