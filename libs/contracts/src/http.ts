// The HTTP APIs' shapes, types only: import from '@task-sync/contracts/http' where the event codecs
// (zod, Buffer) must not come along, e.g. the settings page's browser bundle.
export type * from './lib/http/task-health.types';
export type * from './lib/http/connection.types';
