import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * Every service's HTTP answers: helmet's headers with a deny-all CSP (an API answer loads nothing
 * and nobody frames it; a page that needs more sets its own), no Referer leaves a page
 * (the settings page URL carries a token fragment), no X-Powered-By, and nothing cached.
 */
export function applySecurityHeaders(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(securityHeaders());
}

/** The same headers as one middleware on Node's own request and answer: for a route answered before express. */
export function securityHeaders(): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void {
  const helmetHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
    },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  return (req, res, next) =>
    helmetHeaders(req, res, (err?: unknown) => {
      if (err) return next(err);
      // Answers carry per-user state and tokens: no browser or proxy may keep them. A route may say otherwise.
      res.setHeader('Cache-Control', 'no-store');
      next();
    });
}
