import { execFile, type ExecFileException } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const RENDER_TIMEOUT_MS = 60_000;

export interface PngSize {
  width: number;
  height: number;
}

/**
 * Renders an SVG to a PNG of the given size with headless Chromium (a real browser, so text and
 * dashes look as they will in any viewer). Throws when Chromium is missing, fails, times out or
 * leaves no PNG behind.
 */
export async function renderPng(svg: string, pngPath: string, chromiumPath: string, size: PngSize): Promise<void> {
  if (!Number.isInteger(size.width) || !Number.isInteger(size.height) || size.width <= 0 || size.height <= 0) {
    throw new RangeError(`renderPng: size must be positive whole pixels, got ${size.width}×${size.height}`);
  }
  const target = resolve(pngPath);
  const workDir = await mkdtemp(join(tmpdir(), 'bench-png-'));
  try {
    const htmlPath = join(workDir, 'chart.html');
    await writeFile(htmlPath, chartPage(svg));
    // A PNG left by an earlier run must not pass for this one.
    await rm(target, { force: true });
    await runChromium(chromiumPath, chromiumArgs(htmlPath, target, join(workDir, 'profile'), size));
    await assertPng(target, chromiumPath);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The command line for one screenshot; its own profile directory so parallel runs never share a lock. */
export function chromiumArgs(htmlPath: string, pngPath: string, profileDir: string, size: PngSize): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    // Containers often give /dev/shm 64 MB, which can crash the renderer.
    '--disable-dev-shm-usage',
    `--user-data-dir=${profileDir}`,
    `--screenshot=${pngPath}`,
    `--window-size=${size.width},${size.height}`,
    pathToFileURL(htmlPath).href,
  ];
}

function chartPage(svg: string): string {
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    '<style>html,body{margin:0;padding:0;background:#fff;overflow:hidden}svg{display:block}</style>',
    `</head><body>${svg}</body></html>`,
  ].join('\n');
}

function runChromium(chromiumPath: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile(chromiumPath, args, { timeout: RENDER_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(describeFailure(chromiumPath, error, String(stderr))));
      else resolvePromise();
    });
  });
}

function describeFailure(chromiumPath: string, error: ExecFileException, stderr: string): string {
  if (error.code === 'ENOENT') {
    return `renderPng: Chromium not found at ${chromiumPath} (install it, e.g. apt-get install -y chromium, or pass its path)`;
  }
  if (error.code === 'EACCES') return `renderPng: ${chromiumPath} is not executable`;
  if (error.killed) return `renderPng: Chromium (${chromiumPath}) did not finish within ${RENDER_TIMEOUT_MS / 1000} s and was stopped`;
  const tail = stderr.trim().split('\n').slice(-5).join('\n');
  const exit = error.signal ? `was killed by ${error.signal}` : `exited with code ${String(error.code)}`;
  return `renderPng: Chromium (${chromiumPath}) ${exit}${tail ? `:\n${tail}` : ''}`;
}

async function assertPng(pngPath: string, chromiumPath: string): Promise<void> {
  let head: Buffer;
  try {
    const file = await open(pngPath, 'r');
    try {
      head = Buffer.alloc(PNG_SIGNATURE.length);
      const { bytesRead } = await file.read(head, 0, head.length, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`renderPng: Chromium (${chromiumPath}) exited but wrote no file at ${pngPath}`);
    }
    throw error;
  }
  if (!head.equals(PNG_SIGNATURE)) {
    throw new Error(`renderPng: ${pngPath} is not a PNG (it does not start with the PNG signature)`);
  }
}
