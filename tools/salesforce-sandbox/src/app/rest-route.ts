import { Router, type Response } from 'express';
import { apiContext, type ApiContext } from './api-guard.middleware';
import { sfdcErrorAnswer } from './sfdc-error';

export type RestMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** What a REST operation is asked: the caller, the path's parameters, the query string, the JSON body, the headers. */
export interface RestRequest {
  ctx: ApiContext;
  params: Readonly<Record<string, string>>;
  /** Parsed as Express parses it (`simple`: a repeated key is an array). */
  query: Readonly<Record<string, unknown>>;
  body: unknown;
  header(name: string): string | undefined;
}

/** What it answers: the status, a JSON body (none: an empty answer, as a 204) and headers. */
export interface RestAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * How a Composite subrequest may call a resource (REST API guide, "Send Multiple Requests Using
 * Composite"): every sObject resource, and Query, QueryAll and sObject Collections, which count
 * toward the 5 such operations a Composite request may hold. Anything else is not supported there.
 */
export type CompositeUse = 'subrequest' | 'limited-subrequest' | 'none';

/**
 * One REST operation, served by Express and callable in-process by a Composite subrequest: both
 * run the same handler, so a subrequest behaves exactly as the same REST call.
 */
export interface RestRoute {
  method: RestMethod;
  /** Express-style: literal segments (matched case-insensitively, as Express does) and `:name` parameters. */
  path: string;
  composite: CompositeUse;
  handle(request: RestRequest): RestAnswer;
}

/** Runs a route; a thrown error becomes Salesforce's error answer. */
export function callRestRoute(route: RestRoute, request: RestRequest): RestAnswer {
  try {
    return route.handle(request);
  } catch (e) {
    return sfdcErrorAnswer(e);
  }
}

export function sendRestAnswer(res: Response, answer: RestAnswer): void {
  if (answer.headers) res.set(answer.headers);
  res.status(answer.status);
  if (answer.body === undefined) res.end();
  else res.json(answer.body);
}

/** An Express router serving the routes (under `/services/data/:version`, after the API guard and the JSON parser). */
export function createRestRouter(routes: readonly RestRoute[]): Router {
  const router = Router({ mergeParams: true });
  for (const route of routes) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    router[method](route.path, (req, res) => {
      const ctx = apiContext(res);
      sendRestAnswer(
        res,
        callRestRoute(route, {
          ctx,
          params: req.params as Record<string, string>,
          query: req.query,
          body: req.body,
          header: (name) => req.get(name),
        }),
      );
    });
  }
  return router;
}

/** The path's parameters if it matches the pattern as Express would (one trailing slash allowed), else null. */
export function matchRestPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').slice(1);
  const got = (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).split('/').slice(1);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (got[i] === '') return null;
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        // Express answers 400 for a malformed escape; here the path just does not match.
        return null;
      }
    } else if (want[i].toLowerCase() !== got[i].toLowerCase()) return null;
  }
  return params;
}

/** The first route for the method whose path matches, in the order Express would try them. */
export function findRestRoute(
  routes: readonly RestRoute[],
  method: string,
  path: string,
): { route: RestRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchRestPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
}
