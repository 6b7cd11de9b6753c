/**
 * End-to-end tests in a real browser (`npm run test:e2e`): Debian's chromium at /usr/bin/chromium,
 * driven by playwright-core. Kept apart from `npm test`, which must pass on a machine without a
 * browser. Same transform and databases as jest.config.js (one cloned database per test file).
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test-e2e'],
  testTimeout: 60000,
  maxWorkers: 1,
};
