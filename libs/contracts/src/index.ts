export * from './lib/topics';
export * from './lib/headers';
export * from './lib/decode-error';
export * from './lib/codec';
export * from './lib/events/task-sync-setting-changed.event';
export * from './lib/events/dead-letter.event';
