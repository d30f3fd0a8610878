// Debian's Chromium for the page tests: installed by the project itself when missing (as root,
// with apt-get), because test tools cannot download their own browser builds here.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const DEFAULT_PATH = '/usr/bin/chromium';

function ensureChromium(log = (m) => console.log(`[chromium] ${m}`)) {
  const path = process.env.CHROMIUM_PATH || DEFAULT_PATH;
  if (fs.existsSync(path)) return path;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      `Chromium is not at ${path}. Install it: sudo apt-get update && sudo apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  log('installing Debian chromium with apt-get (once per machine)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  if (!fs.existsSync(path)) throw new Error(`apt-get finished but ${path} is still missing`);
  return path;
}

module.exports = { ensureChromium };
