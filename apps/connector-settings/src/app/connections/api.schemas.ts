import { z } from 'zod';
import { parseMyDomainHost, SALESFORCE_ENVIRONMENTS, type SalesforceLogin } from '@task-sync/sfdc-oauth';

/** PUT /v1/connections/{id}/task-sync */
export const saveTaskSyncBodySchema = z
  .object({
    enabled: z.boolean(),
  })
  .strict();

export type SaveTaskSyncBody = z.output<typeof saveTaskSyncBodySchema>;

/** POST /v1/salesforce/connect, when it has a body (it is optional). */
export const startConnectBodyObjectSchema = z
  .object({
    startOver: z
      .boolean()
      .optional()
      .describe(
        "The user confirmed starting over should they sign in as another Salesforce user or org than their connection's: it is disconnected (its links and history go) and the new one's first enable imports like any first one (R2). Changes nothing when they sign in as the same Salesforce user. Default false",
      ),
    environment: z
      .enum(SALESFORCE_ENVIRONMENTS)
      .optional()
      .describe(
        "Where the user signs in: `production` (login.salesforce.com, the default), `sandbox` (test.salesforce.com: a sandbox org) or `my-domain` (the org's My Domain, in `myDomain`). The connection keeps it: its refreshes go there too",
      ),
    myDomain: z
      .string()
      .max(300)
      .optional()
      .describe(
        "With `environment: my-domain`: the org's My Domain host, e.g. `acme.my.salesforce.com` (https only, a host ending in .my.salesforce.com or .sandbox.my.salesforce.com); 400 INVALID_MY_DOMAIN otherwise",
      ),
  })
  .strict();

export const startConnectBodySchema = startConnectBodyObjectSchema.optional();

export type StartConnectBody = z.output<typeof startConnectBodySchema>;

/**
 * The login a connect asks for: the environment picked, with a My Domain only where it is one
 * (parseMyDomainHost). A My Domain given for another environment is refused too: what the user typed
 * must be what is used, or nothing.
 */
export function chooseConnectLogin(
  body: StartConnectBody,
): { ok: true; login: SalesforceLogin } | { ok: false; message: string } {
  const environment = body?.environment ?? 'production';
  if (environment !== 'my-domain') {
    return body?.myDomain === undefined
      ? { ok: true, login: { environment } }
      : { ok: false, message: 'a My Domain is given only with environment my-domain' };
  }
  const parsed = parseMyDomainHost(body?.myDomain ?? '');
  return parsed.ok
    ? { ok: true, login: { environment, myDomainHost: parsed.host } }
    : { ok: false, message: parsed.message };
}
