import { Router, type Request } from 'express';
import { apiContext } from './api-guard.middleware';
import { describeSObjectSummary } from './describe-sobject';
import { instanceUrlOf } from './oauth.router';
import { sobjectsOf } from './sobject-schema';

/**
 * `GET /services/data/vXX.X`: the version's resource directory (jsforce's `identity()` reads its
 * `identity` url when the connection has no user info yet), and `GET …/sobjects`: describeGlobal.
 * The directory lists the resources the sandbox answers; Salesforce lists many more.
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
    });
  });

  router.get('/sobjects', (_req, res) => {
    const { version } = apiContext(res);
    res.json({
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: sobjectsOf('data').sort().map((name) => describeSObjectSummary(name, version)),
    });
  });

  return router;
}
