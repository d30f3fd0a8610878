import type { ConnectionSetupView } from '@task-sync/contracts/http';
import { READINESS_ADVICE, isBlockingReadiness } from '@task-sync/sync-rules';
import type { ConnectionPreflight } from './connection-preflight.repository';

export function toSetupView(preflight: ConnectionPreflight | null): ConnectionSetupView | null {
  if (!preflight) return null;
  return {
    state: preflight.state,
    paused: isBlockingReadiness(preflight.state),
    advice: READINESS_ADVICE[preflight.state],
    detail: preflight.detail,
    checkedAt: preflight.checkedAt.toISOString(),
  };
}
