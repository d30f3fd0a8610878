// The platform integration suite's setup: the shared one (Kafka, topics, a database), plus Chromium.
const setup = require('./int-test-global-setup.js');
const { ensureChromium } = require('./lib/chromium.js');

module.exports = async function globalSetup() {
  await setup();
  process.env.CHROMIUM_PATH = ensureChromium();
};
