// A jest setupFiles module: points this worker's suites at the broker and databases the global
// setup prepared for it (int-test-global-setup.js' setupWorkers), so workers share no topic, group
// or database. It runs before each suite's own code, which reads these variables when it starts.
const workers = JSON.parse(process.env.TASKSYNC_IT_WORKERS || '[]');
const worker = Number(process.env.JEST_WORKER_ID || '1');
if (workers.length > 0) {
  if (!workers[worker - 1])
    throw new Error(`jest worker ${worker} has no broker or database: the global setup prepared ${workers.length}`);
  Object.assign(process.env, workers[worker - 1].env);
}
