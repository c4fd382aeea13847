/**
 * `npm run test:browser`: the tests that drive a real Chromium (Debian's
 * `/usr/bin/chromium`, or `CHROMIUM_PATH`). Not part of `npm test`, which
 * needs Node and npm alone.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.config.js'),
  roots: ['<rootDir>/test/browser'],
  testPathIgnorePatterns: ['/node_modules/'],
};
