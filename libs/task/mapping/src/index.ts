export * from './lib/text-limits';
export * from './lib/field-views';
export * from './lib/salesconnect-task.mapper';
export * from './lib/sfdc-task.mapper';
export * from './lib/fingerprint';
export * from './lib/sfdc-status';
