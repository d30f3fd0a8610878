const { composePlugins, withNx } = require('@nx/webpack');

// Node target: node_modules stay external (required at run time), only our code is bundled.
module.exports = composePlugins(withNx(), (config) => config);
