import { Router, text, type Request, type Response } from 'express';
import { Builder } from 'xml2js';
import type { CallCounter, SandboxClock } from '@task-sync/util-sandbox-kit';
import { currentApiUsage } from '../api-guard.middleware';
import type { OrgState, OrgStore } from '../org.store';
import { KEY_PREFIX } from '../salesforce-id';
import type { UserRecord } from '../sandbox-records';
import type { SessionStore } from '../session.store';
import { planDeploy, type DeployMessage } from './metadata-deploy';
import { childrenOf, parseMetadataXml, readMetadataZip, textOf, type XmlNode } from './metadata-package';

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';

/** A deploy's DeployResult as checkDeployStatus answers it (details kept apart: only with includeDetails). */
interface DeployRecord {
  orgId: string;
  result: Record<string, unknown>;
  details: { componentSuccesses: DeployMessage[]; componentFailures: DeployMessage[] };
}

/** Deploys by id, until the sandbox is reset. */
export class DeployStore {
  readonly deploys = new Map<string, DeployRecord>();
  clear(): void {
    this.deploys.clear();
  }
}

class SoapFault extends Error {
  constructor(
    readonly faultcode: string,
    message: string,
  ) {
    super(message);
  }
}

const xml = new Builder({ xmldec: { version: '1.0', encoding: 'UTF-8' }, renderOpts: { pretty: false } });

function sendSoap(res: Response, status: number, body: Record<string, unknown>): void {
  res
    .status(status)
    .type('text/xml; charset=UTF-8')
    .send(
      xml.buildObject({
        'soapenv:Envelope': {
          $: { 'xmlns:soapenv': SOAP_NS, xmlns: METADATA_NS, 'xmlns:sf': METADATA_NS },
          'soapenv:Body': body,
        },
      }),
    );
}

/** A SOAP fault as Salesforce answers it (HTTP 500); jsforce reads `faultcode` / `faultstring`. */
const sendFault = (res: Response, fault: SoapFault) =>
  sendSoap(res, 500, { 'soapenv:Fault': { faultcode: fault.faultcode, faultstring: fault.message } });

const flag = (node: XmlNode, name: string, fallback: boolean): boolean => {
  const value = textOf(node, name);
  return value === undefined ? fallback : value === 'true';
};

/** As jsforce's `conn.metadata` calls it. The user needs Modify All Data; each call counts as an API request. */
export function createMetadataSoapRouter(deps: {
  store: OrgStore;
  sessions: SessionStore;
  clock: SandboxClock;
  calls: CallCounter;
  deploys: DeployStore;
}): Router {
  const { store, sessions, clock, calls, deploys } = deps;
  const router = Router();
  router.use(text({ type: () => true, limit: '50mb' }));

  const now = () => new Date(clock.nowMs()).toISOString();

  async function deploy(org: OrgState, user: UserRecord, args: XmlNode): Promise<Record<string, unknown>> {
    const options = childrenOf(args, 'DeployOptions')[0] ?? {};
    const checkOnly = flag(options, 'checkOnly', false);
    const rollbackOnError = flag(options, 'rollbackOnError', false);
    const id = store.nextId(KEY_PREFIX.DeployRequest);
    const started = now();
    const zip = readMetadataZip(textOf(args, 'ZipFile') ?? '', flag(options, 'singlePackage', false));
    let successes: DeployMessage[] = [];
    let failures: DeployMessage[];
    if (!zip) {
      failures = [
        {
          changed: false,
          componentType: '',
          created: false,
          createdDate: started,
          deleted: false,
          fileName: 'package.xml',
          fullName: 'package.xml',
          problem: 'No package.xml found',
          problemType: 'Error',
          success: false,
        },
      ];
    } else {
      const plan = await planDeploy(org, zip, { nextId: (prefix) => store.nextId(prefix), now: started });
      ({ successes, failures } = plan);
      if (!checkOnly && (failures.length === 0 || !rollbackOnError)) plan.commit();
    }
    const components = [...successes, ...failures].filter((m) => m.fullName !== 'package.xml');
    const succeeded = failures.length === 0;
    const status = succeeded
      ? 'Succeeded'
      : !rollbackOnError && !checkOnly && successes.some((m) => m.fullName !== 'package.xml')
        ? 'SucceededPartial'
        : 'Failed';
    deploys.deploys.set(id, {
      orgId: org.id,
      details: { componentSuccesses: successes, componentFailures: failures },
      result: {
        id,
        checkOnly,
        completedDate: now(),
        createdBy: user.fields.Id,
        createdByName: user.fields.Name,
        createdDate: started,
        done: true,
        ignoreWarnings: flag(options, 'ignoreWarnings', false),
        lastModifiedDate: now(),
        numberComponentErrors: failures.length,
        numberComponentsDeployed:
          succeeded || (!rollbackOnError && !checkOnly) ? components.filter((m) => m.success).length : 0,
        numberComponentsTotal: components.length,
        numberTestErrors: 0,
        numberTestsCompleted: 0,
        numberTestsTotal: 0,
        rollbackOnError,
        runTestsEnabled: false,
        startDate: started,
        status,
        success: status === 'Succeeded',
      },
    });
    // Salesforce queues the deploy; the sandbox has done it by the first checkDeployStatus.
    return { done: false, id, state: 'Queued' };
  }

  function checkDeployStatus(org: OrgState, args: XmlNode): Record<string, unknown> {
    const record = deploys.deploys.get(textOf(args, 'asyncProcessId') ?? '');
    if (!record || record.orgId !== org.id) throw new SoapFault('sf:INVALID_ID_FIELD', 'INVALID_ID_FIELD: Invalid Id');
    if (!flag(args, 'includeDetails', false)) return record.result;
    const { componentSuccesses, componentFailures } = record.details;
    return {
      ...record.result,
      details: {
        componentFailures,
        componentSuccesses,
        runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 },
      },
    };
  }

  router.post('/:version', async (req: Request, res: Response) => {
    let orgId = '-';
    let method = '?';
    try {
      const envelope = (await parseMetadataXml(typeof req.body === 'string' ? req.body : '')).node;
      const body = childrenOf(envelope, 'Body')[0] ?? {};
      method = Object.keys(body).find((k) => k !== '$') ?? '?';
      const token = textOf(childrenOf(childrenOf(envelope, 'Header')[0] ?? {}, 'SessionHeader')[0] ?? {}, 'sessionId');
      const session = token ? sessions.findAccessToken(token) : undefined;
      const org = session ? store.getOrg(session.orgId) : undefined;
      const user = org?.users.get(session?.userId ?? '');
      orgId = org?.id ?? '-';
      if (!org || !user)
        throw new SoapFault(
          'sf:INVALID_SESSION_ID',
          'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session',
        );
      const usage = currentApiUsage(org, clock.nowMs());
      if (usage.used >= org.dailyApiLimit)
        throw new SoapFault('sf:REQUEST_LIMIT_EXCEEDED', 'REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.');
      usage.used += 1;
      if (user.modifyAllData !== true)
        throw new SoapFault(
          'sf:INSUFFICIENT_ACCESS',
          'INSUFFICIENT_ACCESS: use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions',
        );
      const args = childrenOf(body, method)[0] ?? {};
      let result: Record<string, unknown>;
      if (method === 'deploy') result = await deploy(org, user, args);
      else if (method === 'checkDeployStatus') result = checkDeployStatus(org, args);
      else
        throw new SoapFault(
          'soapenv:Client',
          `No operation available for request {${METADATA_NS}}${method}, please check the WSDL for the service.`,
        );
      sendSoap(res, 200, { [`${method}Response`]: { result } });
    } catch (e) {
      sendFault(
        res,
        e instanceof SoapFault
          ? e
          : new SoapFault('sf:UNKNOWN_EXCEPTION', `UNKNOWN_EXCEPTION: ${(e as Error).message}`),
      );
    } finally {
      calls.record(`POST Soap/m ${method}`, orgId);
    }
  });

  return router;
}
