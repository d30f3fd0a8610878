/** The chaos run's one chart (a Vega-Lite spec, rendered to PNG by the benchmark's renderChartPng): sync backlog over time, with what was done to the stack. */
import { chartFrame } from '../report/charts';
import type { ChartSpec } from '../report/render-chart';

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

const SERIES = {
  notInSync: { label: 'tasks not in sync (left axis)', colour: '#c0392b' },
  made: { label: 'changes made (right axis)', colour: '#1f77b4' },
  kill: { label: 'SIGKILL of a service', colour: '#888888' },
  broker: { label: 'broker stopped / started', colour: '#8e44ad' },
  outage: { label: 'API limit spent, Sales Connect refusing', colour: '#e0b050' },
  loadEnd: { label: 'load ends, faults cleared', colour: '#000000' },
  converged: { label: 'both sides equal', colour: '#27ae60' },
} as const;
type Marker = keyof typeof SERIES;

/** Time (x) against tasks not in sync (left axis) and changes made (right axis), with kills, broker restarts, the limit outage, the load's end and convergence marked. */
export function chaosChart(points: readonly TimelinePoint[], events: ChaosEvents, title: string): ChartSpec {
  const maxT = Math.max(1, ...points.map((p) => p.atS), events.loadEndS, events.convergedS ?? 0);
  const x = {
    field: 'atS',
    type: 'quantitative',
    title: 'seconds since the load began',
    scale: { domain: [0, maxT], nice: false },
  };
  const markers: { atS: number; what: Marker }[] = [
    ...events.kills.map((k) => ({ atS: k.atS, what: 'kill' as const })),
    ...events.brokerRestarts.flatMap((b) => [
      { atS: b.atS, what: 'broker' as const },
      { atS: b.atS + b.seconds, what: 'broker' as const },
    ]),
    { atS: events.loadEndS, what: 'loadEnd' },
    ...(events.convergedS === null ? [] : [{ atS: events.convergedS, what: 'converged' as const }]),
  ];
  const legendOf = (what: Marker) =>
    what === 'kill' ? `${SERIES.kill.label} (${events.kills.length})` : SERIES[what].label;
  const colour = {
    field: 'series',
    type: 'nominal',
    scale: {
      domain: (Object.keys(SERIES) as Marker[]).map(legendOf),
      range: Object.values(SERIES).map((s) => s.colour),
    },
    legend: { title: null, orient: 'top', columns: 3 },
  };
  const line = (key: 'notInSync' | 'made', orient: 'left' | 'right', strokeWidth: number): ChartSpec => ({
    data: { values: points.map((p) => ({ atS: p.atS, value: p[key], series: legendOf(key) })) },
    mark: { type: 'line', strokeWidth },
    encoding: {
      x,
      y: {
        field: 'value',
        type: 'quantitative',
        title: SERIES[key].label,
        axis: { orient, titleColor: SERIES[key].colour },
      },
      color: colour,
    },
  });
  const layers: ChartSpec[] = [];
  if (events.outage) {
    layers.push({
      data: { values: [{ atS: events.outage.fromS, toS: events.outage.toS, series: legendOf('outage') }] },
      mark: { type: 'rect', opacity: 0.45 },
      encoding: { x, x2: { field: 'toS' }, color: colour },
    });
  }
  layers.push({
    data: {
      values: markers.map((m) => ({
        atS: m.atS,
        series: legendOf(m.what),
        dashed: m.what === 'kill' || m.what === 'broker',
      })),
    },
    mark: { type: 'rule', strokeWidth: 1 },
    encoding: {
      x,
      color: colour,
      strokeDash: {
        field: 'dashed',
        type: 'nominal',
        scale: {
          domain: [true, false],
          range: [
            [3, 3],
            [1, 0],
          ],
        },
        legend: null,
      },
    },
  });
  return {
    ...chartFrame(title, null),
    width: 860,
    height: 320,
    layer: [
      ...layers,
      { layer: [line('notInSync', 'left', 2), line('made', 'right', 1.5)], resolve: { scale: { y: 'independent' } } },
    ],
  };
}
