import { Writable } from 'node:stream';
import { JsonLogger } from './json-logger';

function capture(): { logger: JsonLogger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = new JsonLogger('svc', 'debug', sink);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
  };
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with service, level, context and message', () => {
    const { logger, lines } = capture();
    logger.log('Nest application successfully started', 'NestApplication');
    logger.child('outbox').info({ published: 3 }, 'outbox published');
    expect(lines()).toEqual([
      expect.objectContaining({
        service: 'svc',
        level: 'info',
        context: 'NestApplication',
        msg: 'Nest application successfully started',
      }),
      expect.objectContaining({
        service: 'svc',
        level: 'info',
        context: 'outbox',
        published: 3,
        msg: 'outbox published',
      }),
    ]);
    expect(typeof lines()[0]['time']).toBe('string');
  });

  it("maps Nest's error(message, stack, context) and keeps the stack", () => {
    const { logger, lines } = capture();
    logger.error('boom', 'Error: boom\n    at x', 'Bootstrap');
    expect(lines()[0]).toMatchObject({
      level: 'error',
      context: 'Bootstrap',
      msg: 'boom',
      stack: 'Error: boom\n    at x',
    });
  });

  it('never writes a token or password, wherever a caller puts it', () => {
    const { logger, lines } = capture();
    logger
      .child('oauth')
      .info({ refreshToken: 'r-123', credentials: { accessToken: 'a-456', password: 'p' } }, 'token refreshed');
    const text = JSON.stringify(lines());
    expect(text).not.toMatch(/r-123|a-456|"p"/);
    expect(text).toMatch(/\[redacted\]/);
  });

  it('honours the level', () => {
    const { logger, lines } = capture();
    logger.pino.level = 'warn';
    logger.log('hidden');
    logger.warn('shown');
    expect(lines().map((l) => l['msg'])).toEqual(['shown']);
  });
});
