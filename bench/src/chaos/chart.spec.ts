import type { ChartSpec } from '../report/render-chart';
import { chaosChart, type ChaosEvents } from './chart';

function marksOf(spec: ChartSpec): ChartSpec[] {
  return spec['mark'] ? [spec] : ((spec['layer'] as ChartSpec[] | undefined) ?? []).flatMap(marksOf);
}
const ofType = (spec: ChartSpec, type: string) =>
  marksOf(spec).filter((unit) => (unit['mark'] as { type: string }).type === type);
const valuesOf = (unit: ChartSpec) => (unit['data'] as { values: Record<string, unknown>[] }).values;

const events: ChaosEvents = {
  kills: [
    { atS: 10, process: 'reconciler' },
    { atS: 20, process: 'sfdc-ingest' },
  ],
  brokerRestarts: [{ atS: 30, seconds: 5 }],
  outage: { fromS: 40, toS: 50 },
  loadEndS: 60,
  convergedS: 75,
};
const points = [0, 15, 30, 45, 60, 75].map((atS, i) => ({ atS, notInSync: [0, 40, 90, 30, 10, 0][i], made: i * 100 }));

describe('chaosChart', () => {
  it('draws the backlog and the changes made on their own axes, and marks every kill, broker stop and start, the load end and convergence', () => {
    const spec = chaosChart(points, events, 'Chaos run');
    const lines = ofType(spec, 'line');
    expect(lines.map((l) => valuesOf(l).map((v) => v['value']))).toEqual([
      points.map((p) => p.notInSync),
      points.map((p) => p.made),
    ]);
    const rules = valuesOf(ofType(spec, 'rule')[0]);
    expect(rules.map((r) => r['atS'])).toEqual([10, 20, 30, 35, 60, 75]);
    expect(rules.filter((r) => r['series'] === 'SIGKILL of a service (2)')).toHaveLength(2);
    expect(valuesOf(ofType(spec, 'rect')[0])).toEqual([
      { atS: 40, toS: 50, series: 'API limit spent, Sales Connect refusing' },
    ]);
  });

  it('leaves out the outage band and the convergence line when there were none', () => {
    const spec = chaosChart(points, { ...events, outage: null, convergedS: null }, 'Chaos run');
    expect(ofType(spec, 'rect')).toHaveLength(0);
    expect(valuesOf(ofType(spec, 'rule')[0]).map((r) => r['atS'])).toEqual([10, 20, 30, 35, 60]);
  });
});
