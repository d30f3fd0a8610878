import { json, Router, type Request, type Response } from 'express';
import type { OrgStore } from '../org.store';
import type { SessionStore } from '../session.store';
import { STREAMING_ERROR, type BayeuxReply, type BayeuxRequest } from './bayeux-message';
import type { StreamingCaller, StreamingServer } from './streaming.server';

/**
 * Not faye's server: its channels are global (each org here has its own stream), it expires clients
 * on real timers, answers `401::Unknown client` where Salesforce says `403::`, and cannot replay stored
 * events to one client. Salesforce's long-polling subset is five meta channels, all covered here.
 */
export function createCometdRouter(deps: {
  store: OrgStore;
  sessions: SessionStore;
  streaming: StreamingServer;
}): Router {
  const { store, sessions, streaming } = deps;
  const router = Router();

  const callerOf = (req: Request): StreamingCaller => {
    const auth = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(req.get('authorization') ?? '');
    const session = auth ? sessions.findAccessToken(auth[1].trim()) : undefined;
    const known = session && store.getOrg(session.orgId)?.users.has(session.userId);
    return {
      presented: auth !== null,
      session: session && known ? { orgId: session.orgId, userId: session.userId } : null,
    };
  };

  router.post('/:version', json({ limit: '32kb', type: () => true }), (req: Request, res: Response) => {
    const raw: unknown = req.body;
    const messages = (Array.isArray(raw) ? raw : [raw]).filter(
      (m): m is BayeuxRequest => typeof m === 'object' && m !== null,
    );
    const version = /^v?(\d{2,3}\.\d)$/.exec(String(req.params.version));
    if (!version || Number(version[1]) < 37) {
      res.status(400).json(
        messages.map((m) => ({
          channel: m.channel,
          id: m.id,
          successful: false,
          error: STREAMING_ERROR.unsupportedVersion('62.0'),
        })),
      );
      return;
    }
    const outcome = streaming.handleBatch(callerOf(req), messages);
    if ('now' in outcome) {
      res.json(outcome.now);
      return;
    }
    let answered = false;
    const answer = (replies: BayeuxReply[]): void => {
      answered = true;
      if (!res.writableEnded && !res.destroyed) res.json(replies);
    };
    res.on('close', () => {
      if (!answered) streaming.abandon(answer);
    });
    outcome.later(answer);
  });

  return router;
}
