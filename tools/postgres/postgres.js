// A PostgreSQL server of a run's own (`npm run bench`), set up as PostgreSQL ships: the machine's
// server may be tuned for tests (this CI machine's turns autovacuum, and so ANALYZE, off), and a
// benchmark of a queue-heavy product against a server that never vacuums measures the server.
//
//   const pg = await startPostgres({ log }); ... pg.url, pg.pid ... pg.stop();
'use strict';

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('../scripts/lib/common.js');

/** The server's programs: pg_config's bindir, else the newest /usr/lib/postgresql/<version>/bin. */
function binDir() {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config on PATH: look where Debian puts the server
  }
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error('initdb not found (pg_config --bindir, /usr/lib/postgresql/*/bin): install the PostgreSQL server');
  return path.join(root, versions[0], 'bin');
}

/** initdb and postgres refuse to run as root: as root, they run as the postgres user, owning the data dir. */
function asServerUser(dataDir) {
  if (process.getuid?.() !== 0) return (bin, args) => [bin, args];
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
  fs.chownSync(dataDir, uid, gid);
  return (bin, args) => ['runuser', ['-u', 'postgres', '--', bin, ...args]];
}

function runOrThrow([command, args], what) {
  const res = spawnSync(command, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status}): ${(res.stderr || res.stdout).trim()}`);
}

/**
 * Starts a fresh server in a temporary directory, on a free loopback port, with trust auth for
 * `postgres` on loopback only. `options`: extra `-c name=value` settings (e.g. pg_stat_statements).
 * Answers its admin URL, its postmaster's pid and `stop()` (which removes the directory).
 */
async function startPostgres({ log = () => undefined, options = [] } = {}) {
  const bin = binDir();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tasksync-pg-'));
  fs.chmodSync(dataDir, 0o700);
  const as = asServerUser(dataDir);
  const port = await freePort();
  const pgCtl = path.join(bin, 'pg_ctl');
  const serverLog = path.join(dataDir, 'server.log');
  let pid;
  try {
    runOrThrow(
      as(path.join(bin, 'initdb'), [
        '-D',
        dataDir,
        '--auth=trust',
        '--username=postgres',
        '--encoding=UTF8',
        '--no-sync',
      ]),
      'initdb',
    );
    const settings = [
      `-c port=${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${dataDir}`,
      ...options.map((o) => `-c ${o}`),
    ].join(' ');
    runOrThrow(as(pgCtl, ['-D', dataDir, '-l', serverLog, '-o', settings, '-w', '-t', '60', 'start']), 'pg_ctl start');
    pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch (e) {
    // Nothing of a failed start stays behind; its server log says why, so it goes into the error.
    spawnSync(...as(pgCtl, ['-D', dataDir, '-m', 'immediate', 'stop']));
    const why = fs.existsSync(serverLog)
      ? fs.readFileSync(serverLog, 'utf8').trim().split('\n').slice(-5).join('\n')
      : '';
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${e.message}${why ? `\n${why}` : ''}`);
  }
  const version = execFileSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  log(
    `${version}, its own server on 127.0.0.1:${port} (${dataDir}), stock settings${options.length ? ` + ${options.join(', ')}` : ''}`,
  );
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid,
    dataDir,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        runOrThrow(as(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop']), 'pg_ctl stop');
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
      log('its own server stopped and removed');
    },
  };
}

module.exports = { startPostgres };
