import type { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';

/**
 * One JSON object per line on stdout: `time`, `level`, `service`, `context`, `msg`, plus fields.
 * Nest's own logs go through the same logger, so a person can follow one stream.
 */
export class JsonLogger implements LoggerService {
  readonly pino: Logger;

  /** `destination` defaults to stdout. */
  constructor(service: string, level: string, destination?: DestinationStream) {
    this.pino = pino(
      {
        level,
        base: { service },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        // Never let a credential reach a log line, whatever a caller passes.
        redact: {
          paths: [
            'password',
            'accessToken',
            'refreshToken',
            '*.password',
            '*.accessToken',
            '*.refreshToken',
            'headers.authorization',
          ],
          censor: '[redacted]',
        },
      },
      destination ?? pino.destination({ fd: 1, sync: true }),
    );
  }

  /** A child logger for one component, for structured fields: `logger.child('outbox').info({ n }, 'published')`. */
  child(context: string): Logger {
    return this.pino.child({ context });
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  // Nest calls (message, context) or, for errors, (message, stack, context).
  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    rest: unknown[],
  ): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) {
      this.pino[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ context, ...message });
    } else {
      this.pino[level]({ context, stack }, String(message));
    }
  }
}
