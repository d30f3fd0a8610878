export * from './lib/migrations';
export * from './lib/apply-setting-change';
export * from './lib/settings-changes.consumer';
export * from './lib/settings-projection';
export * from './lib/settings-lag';
export * from './lib/settings-watermark';
export * from './lib/settings-view.providers';
