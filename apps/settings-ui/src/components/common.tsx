import { useEffect, useRef } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import type { TaskRef } from '../api/types';
import type { PagedList } from '../paging';
import { describeShown } from '../paging';
import { type UsageRow, summarizeUsage, usageRows } from '../usage';
import type { ApiUsage24h } from '../api/types';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** A task's two ids, each a link that opens it in its app (when the app's URL is known). */
export function TaskIds({
  task,
}: {
  task: Pick<TaskRef, 'sfdcTaskId' | 'salesforceUrl' | 'salesConnectTaskId' | 'salesConnectUrl'>;
}) {
  return (
    <span>
      Salesforce:{' '}
      {task.sfdcTaskId ? (
        task.salesforceUrl ? (
          <a href={task.salesforceUrl} target="_blank" rel="noopener noreferrer">
            {task.sfdcTaskId}
          </a>
        ) : (
          task.sfdcTaskId
        )
      ) : (
        '–'
      )}
      {' · '}
      Sales Connect:{' '}
      {task.salesConnectTaskId ? (
        task.salesConnectUrl ? (
          <a href={task.salesConnectUrl} target="_blank" rel="noopener noreferrer">
            {task.salesConnectTaskId}
          </a>
        ) : (
          task.salesConnectTaskId
        )
      ) : (
        '–'
      )}
    </span>
  );
}

/** "Showing n of m" (announced) and Load more while the list has another page. */
export function LoadMore({
  list,
  noun,
  onMore,
  busy,
}: {
  list: PagedList<unknown>;
  noun: string;
  onMore: () => void;
  busy: boolean;
}) {
  return (
    <div class="row">
      <span role="status">{describeShown(list, noun)}</span>{' '}
      {list.nextOffset !== null && list.items.length > 0 && (
        <button onClick={onMore} disabled={busy}>
          Load more {noun}
        </button>
      )}
    </div>
  );
}

/** The org's sync calls over 24 h: a bar chart (Chart.js) and the same numbers as a table for screen readers and keyboards. */
export function UsageChart({ usage, id }: { usage: ApiUsage24h; id: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const rows: UsageRow[] = usageRows(usage);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.label),
        datasets: [{ label: 'Calls', data: rows.map((r) => r.calls), backgroundColor: '#1d63c9' }],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    return () => chart.destroy();
  }, [usage]);
  const summary = summarizeUsage(usage);
  return (
    <figure aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{summary}</figcaption>
      <div class="chart">
        <canvas ref={canvas} role="img" aria-label={`Bar chart: ${summary} The table below has each bucket.`} />
      </div>
      <details>
        <summary>Calls by time (table)</summary>
        <table>
          <caption class="visually-hidden">
            Sync calls to Salesforce in org {usage.orgId} over the last 24 hours
          </caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Calls</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.start}>
                <th scope="row">{r.label}</th>
                <td>{r.calls}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
