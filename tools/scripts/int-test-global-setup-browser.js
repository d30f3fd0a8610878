// The platform integration suite's setup: the shared one (Kafka, topics, a database) for each jest
// worker (the int-test target runs two), plus Chromium.
const { setupWorkers } = require('./int-test-global-setup.js');
const { ensureChromium } = require('./lib/chromium.js');

module.exports = async function globalSetup(globalConfig) {
  // maxWorkers is 1 with --runInBand; jest may still run fewer workers than this (never more).
  await setupWorkers(globalConfig.maxWorkers);
  process.env.CHROMIUM_PATH = ensureChromium();
};
