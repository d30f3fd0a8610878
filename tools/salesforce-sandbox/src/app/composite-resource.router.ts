import { describeEndpoint } from './endpoint-name';
import { parse as parseQueryString } from 'node:querystring';
import { Router, type Request } from 'express';
import { apiContext, parseCallOptionsClient, type ApiContext } from './api-guard.middleware';
import {
  referencesIn,
  resolveReferencesInBody,
  resolveReferencesInText,
  UnresolvedReferenceError,
  type ReferenceValues,
} from './composite-reference';
import {
  callRestRoute,
  findRestRoute,
  matchRestPath,
  type CompositeUse,
  type RestAnswer,
  type RestRoute,
} from './rest-route';
import { notFound, sendSfdcError, sfdcErrorAnswer, SfdcError } from './sfdc-error';

/** REST API guide, "Send Multiple Requests Using Composite": up to 25 subrequests, up to 5 of them query or sObject Collections operations. */
export const MAX_SUBREQUESTS = 25;
export const MAX_LIMITED_SUBREQUESTS = 5;

/** The subrequest methods the guide lists (case-sensitive). */
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** Subrequests inherit these from the top-level request and may not set them ("Composite Subrequest"). */
const INHERITED_HEADERS = new Set(['accept', 'authorization', 'content-type']);
/** "The referenceId must start with a letter or a number" and hold only letters, numbers and underscores. */
const REFERENCE_ID = /^[A-Za-z0-9][A-Za-z0-9_]*$/;
/** "The URL must start with /services/data/vXX.X/." */
const SUBREQUEST_URL = /^\/services\/data\/(v\d{2,3}\.\d)(\/[^?]*)(?:\?(.*))?$/s;

interface Subrequest {
  method: string;
  url: string;
  referenceId: string;
  body: unknown;
  httpHeaders: Record<string, string>;
}

interface SubrequestResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string | null;
}

/** A subrequest's endpoint name, as the call counter names a call (`GET queryAll`, `GET sobjects/Task/deleted`). */
function subrequestEndpoint(sub: Subrequest): string {
  const path = new URL(sub.url, 'http://sandbox').pathname.replace(/^\/services\/data\/v\d+\.\d\//, '/');
  return describeEndpoint(sub.method, path);
}

/** The sandbox's words for a malformed request: Salesforce answers 400 before running anything (its wording is not documented). */
const malformed = (message: string): SfdcError => new SfdcError(400, 'JSON_PARSER_ERROR', message);

/**
 * Too many subrequests: the whole request fails, answered in the Composite shape with one result
 * and no referenceId. The 25 wording is Salesforce's (seen in a production log); the 5 wording is the sandbox's.
 */
function limitExceeded(message: string): { compositeResponse: SubrequestResult[] } {
  return {
    compositeResponse: [
      { body: [{ errorCode: 'LIMIT_EXCEEDED', message }], httpHeaders: {}, httpStatusCode: 400, referenceId: null },
    ],
  };
}

/** A subrequest not run because a reference in it has no value (its subrequest failed, is unknown or later, or lacks the field). */
const invalidReference = (e: UnresolvedReferenceError): RestAnswer => ({
  status: 400,
  body: [
    {
      errorCode: 'PROCESSING_HALTED',
      message: `Invalid reference specified. No value for ${e.expression} found in ${e.referenceId}. Provided referenceId ('${e.expression}') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').`,
    },
  ],
});

/** What every other subrequest answers when an allOrNone request fails. */
const ROLLED_BACK = [
  {
    errorCode: 'PROCESSING_HALTED',
    message: 'The transaction was rolled back since another operation in the same transaction failed.',
  },
];

function readSubrequest(raw: unknown): Subrequest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw malformed('compositeRequest: each subrequest must be an object');
  const { method, url, referenceId, body, httpHeaders } = raw as Record<string, unknown>;
  if (typeof method !== 'string' || !METHODS.has(method))
    throw malformed(`method: one of ${[...METHODS].join(', ')} is required, not ${JSON.stringify(method)}`);
  if (typeof url !== 'string' || !SUBREQUEST_URL.test(url))
    throw malformed(`url: must start with /services/data/vXX.X/, not ${JSON.stringify(url)}`);
  if (typeof referenceId !== 'string') throw malformed('referenceId: required');
  // Documented (API 52.0 and later): the whole request fails.
  if (!REFERENCE_ID.test(referenceId))
    throw malformed(
      `Provided referenceId ('${referenceId}') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').`,
    );
  if (
    httpHeaders !== undefined &&
    (httpHeaders === null ||
      typeof httpHeaders !== 'object' ||
      Object.values(httpHeaders).some((v) => typeof v !== 'string'))
  ) {
    throw malformed('httpHeaders: a map of header names to values is required');
  }
  const headers = (httpHeaders ?? {}) as Record<string, string>;
  const inherited = Object.keys(headers).find((name) => INHERITED_HEADERS.has(name.toLowerCase()));
  if (inherited)
    throw malformed(`httpHeaders: ${inherited} is taken from the composite request and may not be set in a subrequest`);
  return { method, url, referenceId, body, httpHeaders: headers };
}

/** The url's API version, path after it, and query string. */
function splitUrl(url: string): { version: string; path: string; query: string } {
  const match = SUBREQUEST_URL.exec(url);
  if (!match) throw notFound();
  return { version: match[1], path: match[2], query: match[3] ?? '' };
}

/** A wrong method answers as the REST call would. Unresolved references in a path match a parameter. */
function compositeUseOf(routes: readonly RestRoute[], sub: Subrequest): CompositeUse {
  const { path } = splitUrl(sub.url);
  const route =
    findRestRoute(routes, sub.method, path)?.route ?? routes.find((r) => matchRestPath(r.path, path) !== null);
  return route?.composite ?? 'none';
}

function readCompositeRequest(
  routes: readonly RestRoute[],
  raw: unknown,
): { allOrNone: boolean; subrequests: Subrequest[] } | { tooMany: string } {
  const body = (raw ?? {}) as Record<string, unknown>;
  if (typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body.compositeRequest))
    throw malformed('compositeRequest: a list of subrequests is required');
  for (const flag of ['allOrNone', 'collateSubrequests']) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean')
      throw malformed(`${flag}: true or false, not ${JSON.stringify(body[flag])}`);
  }
  if (body.compositeRequest.length > MAX_SUBREQUESTS)
    return { tooMany: `The request can’t contain more than ${MAX_SUBREQUESTS} operations.` };
  const subrequests = body.compositeRequest.map(readSubrequest);
  const seen = new Set<string>();
  let limited = 0;
  for (const sub of subrequests) {
    if (seen.has(sub.referenceId)) throw malformed(`Duplicate referenceId provided in the request: ${sub.referenceId}`);
    seen.add(sub.referenceId);
    const use = compositeUseOf(routes, sub);
    if (use === 'none')
      throw malformed(
        `${sub.method} ${sub.url}: Composite supports sObject, Query, QueryAll and sObject Collections resources only`,
      );
    if (use === 'limited-subrequest') limited += 1;
  }
  if (limited > MAX_LIMITED_SUBREQUESTS)
    return {
      tooMany: `The request can’t contain more than ${MAX_LIMITED_SUBREQUESTS} query or sObject Collections operations.`,
    };
  return { allOrNone: body.allOrNone === true, subrequests };
}

/** Not counted as an API call of its own: Salesforce counts the composite request once. */
function runSubrequest(
  routes: readonly RestRoute[],
  ctx: ApiContext,
  req: Request,
  sub: Subrequest,
  values: ReferenceValues,
): RestAnswer {
  // A subrequest whose reference names a failed one is not run (allOrNone false: "Dependent subrequests aren't executed").
  for (const { expression, referenceId } of referencesIn([sub.url, sub.body])) {
    if (!values.has(referenceId)) throw new UnresolvedReferenceError(expression, referenceId);
  }
  const { version, path, query } = splitUrl(resolveReferencesInText(sub.url, values));
  const body = resolveReferencesInBody(sub.body, values);
  const match = findRestRoute(routes, sub.method, path);
  if (!match || match.route.composite === 'none') throw notFound();
  const header = (name: string): string | undefined => {
    const own = Object.entries(sub.httpHeaders).find(([key]) => key.toLowerCase() === name.toLowerCase());
    if (own) return own[1];
    return name.toLowerCase() === 'sforce-call-options' ? req.get(name) : undefined;
  };
  const subCtx: ApiContext = { ...ctx, version, client: parseCallOptionsClient(header('sforce-call-options')) };
  return callRestRoute(match.route, {
    ctx: subCtx,
    params: match.params,
    query: parseQueryString(query),
    body,
    header,
  });
}

/** A subrequest's answer; what stops it before its handler (a reference without a value, no such resource) answers as an error. */
function answerSubrequest(
  routes: readonly RestRoute[],
  ctx: ApiContext,
  req: Request,
  sub: Subrequest,
  values: ReferenceValues,
): RestAnswer {
  try {
    return runSubrequest(routes, ctx, req, sub, values);
  } catch (e) {
    return e instanceof UnresolvedReferenceError ? invalidReference(e) : sfdcErrorAnswer(e);
  }
}

/** Under allOrNone, a subrequest failed: an error status, or an sObject Collections record that failed ("allOrNone Parameters in Composite and Collections Requests"). */
const failed = (answer: RestAnswer, allOrNone: boolean): boolean =>
  answer.status >= 400 ||
  (allOrNone &&
    Array.isArray(answer.body) &&
    answer.body.some(
      (item) => item !== null && typeof item === 'object' && (item as { success?: unknown }).success === false,
    ));

/**
 * Subrequests run in order (collateSubrequests only lets Salesforce reorder unrelated ones). allOrNone:
 * the first failure rolls back every write and its change events; the others answer PROCESSING_HALTED.
 */
export function createCompositeResourceRouter(deps: { routes: readonly RestRoute[] }): Router {
  const { routes } = deps;
  const router = Router({ mergeParams: true });

  router.get('/composite', (_req, res) => {
    const base = `/services/data/${apiContext(res).version}/composite`;
    res.json({ tree: `${base}/tree`, batch: `${base}/batch`, sobjects: `${base}/sobjects`, graph: `${base}/graph` });
  });

  router.post('/composite', (req, res) => {
    const ctx = apiContext(res);
    let request: ReturnType<typeof readCompositeRequest>;
    try {
      request = readCompositeRequest(routes, req.body);
    } catch (e) {
      return sendSfdcError(res, e);
    }
    if ('tooMany' in request) {
      res.status(400).json(limitExceeded(request.tooMany));
      return;
    }

    const { allOrNone, subrequests } = request;
    res.locals['callName'] = `POST composite (${[...new Set(subrequests.map(subrequestEndpoint))].join(' + ')})`;
    const values = new Map<string, unknown>();
    const answers: (RestAnswer | null)[] = [];
    let failure = -1;
    if (allOrNone) ctx.org.tasks.begin();
    for (const sub of subrequests) {
      // allOrNone: nothing runs after the first failure.
      if (allOrNone && failure >= 0) {
        answers.push(null);
        continue;
      }
      const answer = answerSubrequest(routes, ctx, req, sub, values);
      answers.push(answer);
      // A failed subrequest's answer is no value to refer to: its dependents are not run.
      if (!failed(answer, allOrNone)) values.set(sub.referenceId, answer.body ?? null);
      else if (failure < 0) failure = answers.length - 1;
    }
    if (allOrNone && failure >= 0) ctx.org.tasks.rollback();
    else if (allOrNone) ctx.org.tasks.commit();

    res.json({
      compositeResponse: subrequests.map((sub, i): SubrequestResult => {
        const answer = answers[i];
        if (allOrNone && failure >= 0 && i !== failure)
          return { body: ROLLED_BACK, httpHeaders: {}, httpStatusCode: 400, referenceId: sub.referenceId };
        return {
          body: answer?.body ?? null,
          httpHeaders: answer?.headers ?? {},
          httpStatusCode: answer?.status ?? 400,
          referenceId: sub.referenceId,
        };
      }),
    });
  });

  return router;
}
