export * from './lib/load-config';
export * from './lib/service-config.schema';
export * from './lib/dev-secret';
