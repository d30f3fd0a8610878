import { Router, type Request } from 'express';
import { apiContext } from './api-guard.middleware';
import { instanceUrlOf } from './oauth.router';

/**
 * `GET /services/data/vXX.X`: the version's resource directory (jsforce's `identity()` reads its
 * `identity` url when the connection has no user info yet). It lists the resources the sandbox
 * answers; Salesforce lists many more. (describeGlobal, `GET …/sobjects`, is an sObject route.)
 */
export function createApiDirectoryRouter(): Router {
  const router = Router({ mergeParams: true });

  router.get('/', (req: Request, res) => {
    const { org, userId, version } = apiContext(res);
    const base = `/services/data/${version}`;
    res.json({
      composite: `${base}/composite`,
      identity: `${instanceUrlOf(req)}/id/${org.id}/${userId}`,
      limits: `${base}/limits`,
      query: `${base}/query`,
      queryAll: `${base}/queryAll`,
      sobjects: `${base}/sobjects`,
      tooling: `${base}/tooling`,
      'ui-api': `${base}/ui-api`,
    });
  });

  return router;
}
