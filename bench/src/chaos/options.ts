import { readFlags } from '../flags';

/** `npm run chaos` settings; every one has a default, printed at the start of a run. */
export interface ChaosOptions {
  /** Changes made in all, on both sides together. */
  changes: number;
  /** Changes a second, both sides together. */
  rate: number;
  /** Reps (connections), each a Sales Connect user and a Salesforce user of one org. */
  connections: number;
  /** Service processes killed with SIGKILL during the load (each started again by start.js). */
  kills: number;
  brokerRestarts: number;
  /** The share of the sandboxes' calls that fail (Salesforce 503 and UNABLE_TO_LOCK_ROW, Sales Connect 5xx), during the load. */
  faultRate: number;
  /** Seconds the Salesforce org's API limit is spent (REQUEST_LIMIT_EXCEEDED) and Sales Connect refuses every call. */
  limitOutageSeconds: number;
  /** Seconds after the load (faults cleared) that the run waits at most for both sides to be equal. */
  quietTimeoutSeconds: number;
  /** Processes of each Kafka consumer (sfdc-ingest, salesconnect-ingest, reconciler). */
  replicas: number;
  seed: number;
  outDir: string;
}

export const CHAOS_DEFAULTS: Omit<ChaosOptions, 'outDir'> = {
  changes: 20_000,
  rate: 25,
  connections: 10,
  kills: 20,
  brokerRestarts: 1,
  faultRate: 0.1,
  limitOutageSeconds: 60,
  quietTimeoutSeconds: 900,
  replicas: 2,
  seed: 21,
};

const FLAGS: Record<string, keyof ChaosOptions> = {
  '--changes': 'changes',
  '--rate': 'rate',
  '--connections': 'connections',
  '--kills': 'kills',
  '--broker-restarts': 'brokerRestarts',
  '--fault-rate': 'faultRate',
  '--limit-outage-s': 'limitOutageSeconds',
  '--quiet-timeout-s': 'quietTimeoutSeconds',
  '--replicas': 'replicas',
  '--seed': 'seed',
  '--out': 'outDir',
};

/** `--changes 20000 --rate 25 … --out DIR`; unknown or bad flags throw. */
export function parseChaosOptions(argv: string[], defaultOutDir: string): ChaosOptions {
  const options: ChaosOptions = { ...CHAOS_DEFAULTS, outDir: defaultOutDir };
  for (const { flag, key, value } of readFlags(argv, FLAGS)) {
    if (key === 'outDir') {
      options.outDir = value;
      continue;
    }
    const n = Number(value);
    const fraction = key === 'faultRate';
    if (!Number.isFinite(n) || n < 0 || (fraction ? n > 1 : !Number.isInteger(n) && key !== 'rate'))
      throw new Error(`${flag} takes ${fraction ? 'a share between 0 and 1' : 'a number of 0 or more'}, not ${value}`);
    options[key] = n;
  }
  if (options.changes < 1 || options.rate <= 0 || options.connections < 1 || options.replicas < 1)
    throw new Error('--changes, --rate, --connections and --replicas must be above 0');
  return options;
}

/** The command line that repeats a run. */
export function chaosCommand(o: ChaosOptions): string {
  return `npm run chaos -- --changes ${o.changes} --rate ${o.rate} --connections ${o.connections} --kills ${o.kills} --broker-restarts ${o.brokerRestarts} --fault-rate ${o.faultRate} --limit-outage-s ${o.limitOutageSeconds} --quiet-timeout-s ${o.quietTimeoutSeconds} --replicas ${o.replicas} --seed ${o.seed}`;
}
