import { json, Router, type Request, type Response } from 'express';
import type { CallCounter } from './call-counter';
import type { FaultInjector } from './fault-injector';
import type { SandboxClock } from './sandbox-clock';

export interface SandboxControls {
  clock: SandboxClock;
  faults: FaultInjector;
  calls: CallCounter;
  /** Empties the sandbox back to its seeded state. */
  reset(): void;
  /** Writes the snapshot file now; returns its path, or null when the sandbox has none configured. */
  snapshot(): string | null;
}

function badRequest(res: Response, message: string): void {
  res.status(400).json({ error: 'BAD_REQUEST', message });
}

/**
 * The admin API both sandboxes share, mounted at `/__admin`:
 * - `GET /clock`; `POST /clock {"now": ISO, "frozen"?: bool}` or `{"advanceMs": n}`; `DELETE /clock` (real time)
 * - `GET /faults`; `POST /faults {"latencyMs"?, "shares"?: {name: 0..1}, "seed"?}`; `DELETE /faults`
 * - `GET /calls` (by endpoint and tenant); `DELETE /calls`
 * - `POST /reset`; `POST /snapshot`
 */
export function createAdminRouter(controls: SandboxControls): Router {
  const router = Router();
  // Seeds come in bulk (a benchmark sends 10,000 tasks a call).
  router.use(json({ limit: '20mb' }));

  router.get('/clock', (_req, res) => {
    res.json(controls.clock.describe());
  });
  router.post('/clock', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { now?: unknown; frozen?: unknown; advanceMs?: unknown };
    if (typeof body.now === 'string') {
      const instant = new Date(body.now);
      if (Number.isNaN(instant.getTime())) return badRequest(res, 'now must be an ISO-8601 instant');
      controls.clock.set(instant, { frozen: body.frozen === true });
    } else if (typeof body.advanceMs === 'number' && Number.isFinite(body.advanceMs)) {
      controls.clock.advance(body.advanceMs);
    } else {
      return badRequest(res, 'send {"now": ISO instant, "frozen"?: boolean} or {"advanceMs": number}');
    }
    res.json(controls.clock.describe());
  });
  router.delete('/clock', (_req, res) => {
    controls.clock.reset();
    res.json(controls.clock.describe());
  });

  router.get('/faults', (_req, res) => {
    res.json(controls.faults.current());
  });
  router.post('/faults', (req: Request, res: Response) => {
    try {
      res.json(controls.faults.configure(req.body ?? {}));
    } catch (e) {
      badRequest(res, (e as Error).message);
    }
  });
  router.delete('/faults', (_req, res) => {
    controls.faults.reset();
    res.json(controls.faults.current());
  });

  router.get('/calls', (_req, res) => {
    res.json({ total: controls.calls.total(), calls: controls.calls.list() });
  });
  router.delete('/calls', (_req, res) => {
    controls.calls.reset();
    res.status(204).end();
  });

  router.post('/reset', (_req, res) => {
    controls.reset();
    res.status(204).end();
  });
  router.post('/snapshot', (_req, res) => {
    const file = controls.snapshot();
    if (file === null) return badRequest(res, 'no snapshot file configured');
    res.json({ file });
  });
  return router;
}

/**
 * An admin listing's `?since=` as epoch ms: 0 when absent (everything), NaN when it is not an
 * ISO date-time (the caller answers 400 in its own error shape).
 */
export function sinceParam(raw: unknown): number {
  if (raw === undefined) return 0;
  return typeof raw === 'string' ? Date.parse(raw) : NaN;
}
