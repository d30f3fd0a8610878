import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, withPg } from '@task-sync/testing-stack';

interface OwnPostgres {
  url: string;
  pid: number;
  dataDir: string;
  stop(): void;
}
// Plain Node, as npm run bench loads it before anything is built.
const { startPostgres } = require(path.join(ROOT, 'tools', 'postgres', 'postgres.js')) as {
  startPostgres(options?: { options?: string[] }): Promise<OwnPostgres>;
};

/** Running, not a zombie: the stopped postmaster's parent (pg_ctl) is gone, and a container's init may not reap it. */
const running = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe("npm run bench's own PostgreSQL server (tools/postgres)", () => {
  it('starts a fresh server as PostgreSQL ships (autovacuum on) on a port of its own, and stop removes it', async () => {
    const pg = await startPostgres({ options: ['application_name=bench-spec'] });
    try {
      expect(pg.url).not.toContain(':5432/');
      const settings = await withPg(pg.url, async (db) => {
        const { rows } = await db.query<{ autovacuum: string; app: string; launchers: number }>(
          `SELECT current_setting('autovacuum') AS autovacuum, current_setting('application_name') AS app,
                  (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher') AS launchers`,
        );
        return rows[0];
      });
      expect(settings).toEqual({ autovacuum: 'on', app: 'bench-spec', launchers: 1 });
      expect(running(pg.pid)).toBe(true);
      expect(existsSync(pg.dataDir)).toBe(true);
    } finally {
      pg.stop();
    }
    expect(existsSync(pg.dataDir)).toBe(false);
    expect(running(pg.pid)).toBe(false);
  });

  it("a server that cannot start says why (its server log's last lines) and leaves no directory behind", async () => {
    const ours = () => readdirSync(tmpdir()).filter((d) => d.startsWith('tasksync-pg-'));
    const before = ours();
    await expect(startPostgres({ options: ['no_such_setting=1'] })).rejects.toThrow(
      /pg_ctl start failed[\s\S]*unrecognized configuration parameter "no_such_setting"/,
    );
    expect(ours()).toEqual(before);
  });
});
