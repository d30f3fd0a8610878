export { retry, retryDelayMs, type RetryOptions } from './lib/retry';
