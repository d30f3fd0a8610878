export * from './lib/change-feed.port';
export * from './lib/change-feed.error';
export * from './lib/task-change-event.decoder';
export * from './lib/streaming-failure.classifier';
export * from './lib/serial-batch.delivery';
export * from './lib/cometd-change-feed';
