/** The chaos run's one chart (SVG, rendered to PNG by the benchmark's renderPng): sync backlog over time, with what was done to the stack. */

export interface TimelinePoint {
  /** Seconds since the load began. */
  atS: number;
  /** Tasks not (yet) the same on both sides as last written: missing, stale, unequal or doubled. */
  notInSync: number;
  /** Changes made so far. */
  made: number;
}

export interface ChaosEvents {
  kills: { atS: number; process: string }[];
  brokerRestarts: { atS: number; seconds: number }[];
  outage: { fromS: number; toS: number } | null;
  loadEndS: number;
  convergedS: number | null;
}

const W = 1000;
const H = 460;
const PLOT = { x: 70, y: 90, w: W - 140, h: H - 160 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, s: string, extra = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="sans-serif" font-size="12" ${extra}>${esc(s)}</text>`;

/** Time (x) against tasks not in sync (left axis) and changes made (right axis), with kills, broker restarts, the limit outage, the load's end and convergence marked. */
export function chaosChart(points: readonly TimelinePoint[], events: ChaosEvents, title: string): string {
  const maxT = Math.max(1, ...points.map((p) => p.atS), events.loadEndS, events.convergedS ?? 0);
  const maxN = Math.max(1, ...points.map((p) => p.notInSync));
  const maxM = Math.max(1, ...points.map((p) => p.made));
  const x = (t: number) => PLOT.x + (t / maxT) * PLOT.w;
  const yN = (n: number) => PLOT.y + PLOT.h - (n / maxN) * PLOT.h;
  const yM = (n: number) => PLOT.y + PLOT.h - (n / maxM) * PLOT.h;
  const body: string[] = [];
  body.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  body.push(text(PLOT.x, 24, title, 'font-size="15" font-weight="bold"'));
  if (events.outage) body.push(`<rect x="${x(events.outage.fromS)}" y="${PLOT.y}" width="${Math.max(1, x(events.outage.toS) - x(events.outage.fromS))}" height="${PLOT.h}" fill="#f3d9a4" opacity="0.6"/>`);
  // Axes and ticks.
  body.push(`<line x1="${PLOT.x}" y1="${PLOT.y + PLOT.h}" x2="${PLOT.x + PLOT.w}" y2="${PLOT.y + PLOT.h}" stroke="#333"/>`, `<line x1="${PLOT.x}" y1="${PLOT.y}" x2="${PLOT.x}" y2="${PLOT.y + PLOT.h}" stroke="#333"/>`, `<line x1="${PLOT.x + PLOT.w}" y1="${PLOT.y}" x2="${PLOT.x + PLOT.w}" y2="${PLOT.y + PLOT.h}" stroke="#333"/>`);
  for (let i = 0; i <= 5; i++) {
    body.push(text(x((maxT * i) / 5) - 10, PLOT.y + PLOT.h + 18, `${Math.round((maxT * i) / 5)} s`));
    body.push(text(8, yN((maxN * i) / 5) + 4, String(Math.round((maxN * i) / 5)), 'fill="#c0392b"'));
    body.push(text(PLOT.x + PLOT.w + 6, yM((maxM * i) / 5) + 4, String(Math.round((maxM * i) / 5)), 'fill="#1f77b4"'));
  }
  const path = (y: (n: number) => number, value: (p: TimelinePoint) => number) => points.map((p, i) => `${i ? 'L' : 'M'}${x(p.atS).toFixed(1)},${y(value(p)).toFixed(1)}`).join(' ');
  body.push(`<path d="${path(yM, (p) => p.made)}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`);
  body.push(`<path d="${path(yN, (p) => p.notInSync)}" fill="none" stroke="#c0392b" stroke-width="2"/>`);
  const vline = (t: number, colour: string, dash = '') => `<line x1="${x(t)}" y1="${PLOT.y}" x2="${x(t)}" y2="${PLOT.y + PLOT.h}" stroke="${colour}" stroke-width="1" ${dash ? `stroke-dasharray="${dash}"` : ''}/>`;
  for (const k of events.kills) body.push(vline(k.atS, '#888', '2,3'));
  for (const b of events.brokerRestarts) body.push(vline(b.atS, '#8e44ad', '6,3'), vline(b.atS + b.seconds, '#8e44ad', '6,3'));
  body.push(vline(events.loadEndS, '#000'));
  if (events.convergedS !== null) body.push(vline(events.convergedS, '#27ae60'));
  // Legend.
  const legend: [string, string][] = [
    ['#c0392b', 'tasks not in sync (left axis)'],
    ['#1f77b4', 'changes made (right axis)'],
    ['#888', `SIGKILL of a service (${events.kills.length})`],
    ['#8e44ad', 'broker stopped / started'],
    ['#e0b050', 'API limit spent, Sales Connect refusing'],
    ['#000', 'load ends, faults cleared'],
    ['#27ae60', 'both sides equal'],
  ];
  legend.forEach(([colour, label], i) => {
    const lx = PLOT.x + (i % 3) * 290;
    const ly = 36 + Math.floor(i / 3) * 15;
    body.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="10" fill="${colour}"/>`, text(lx + 16, ly, label));
  });
  body.push(text(PLOT.x + PLOT.w / 2 - 80, H - 30, 'seconds since the load began'));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${body.join('')}</svg>`;
}
