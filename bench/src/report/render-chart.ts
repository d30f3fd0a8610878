import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';

/** A Vega-Lite specification (https://vega.github.io/vega-lite/docs/spec.html), kept loose: vega-lite's own types are ESM-only. */
export type ChartSpec = Record<string, unknown>;

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const RENDER_TIMEOUT_MS = 60_000;

/**
 * In a child Node: vega and vega-lite are ES modules with top-level await, which neither this CommonJS
 * build nor jest can load. Resolved from the working directory, the repository root.
 */
const RENDERER = `
import { readFileSync, writeFileSync } from 'node:fs';
import * as vegaLite from 'vega-lite';
import * as vega from 'vega';
import resvg from '@resvg/resvg-js';
const [pngPath, svgPath] = process.argv.slice(1);
const spec = JSON.parse(readFileSync(0, 'utf8'));
const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
const svg = await view.toSVG();
view.finalize();
if (svgPath) writeFileSync(svgPath, svg);
const png = new resvg.Resvg(svg, { background: '#ffffff', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
writeFileSync(pngPath, png);
`;

/** Renders the chart to a PNG file, and to SVG too when `svgPath` is given. Throws with the renderer's message when the spec is wrong. */
export async function renderChartPng(spec: ChartSpec, pngPath: string, svgPath?: string): Promise<void> {
  // A PNG left by an earlier run must not pass for this one.
  await rm(pngPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', RENDERER, pngPath, ...(svgPath ? [svgPath] : [])],
      { timeout: RENDER_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return resolve();
        const tail = String(stderr).trim().split('\n').slice(-6).join('\n');
        reject(
          new Error(
            `renderChartPng: the chart for ${pngPath} could not be drawn (${error.killed ? 'timed out' : `exit ${String(error.code)}`})${tail ? `:\n${tail}` : ''}`,
          ),
        );
      },
    );
    child.stdin?.end(JSON.stringify(spec));
  });
  const head = (await readFile(pngPath)).subarray(0, PNG_SIGNATURE.length);
  if (!head.equals(PNG_SIGNATURE)) throw new Error(`renderChartPng: ${pngPath} is not a PNG`);
}
