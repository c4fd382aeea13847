/** @type {import('jest').Config} */
module.exports = {
  // Transpile only: `npm run typecheck` checks the tests' types once, instead of every jest worker again.
  // thumbhash ships ES modules only: transpiled too, for the tests that decode a ThumbHash.
  transform: { '^.+\\.(ts|js)$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  transformIgnorePatterns: ['/node_modules/(?!thumbhash/)'],
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Browser tests need Chromium: `npm run test:browser` (jest.browser.config.js) runs them, `npm test` never does.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
  testTimeout: 30_000,
  // With MEDIA_TEST_BACKEND=postgres-s3, the loopback S3 stand-in for the run (test/backend/).
  globalSetup: '<rootDir>/test/backend/global-setup.ts',
  globalTeardown: '<rootDir>/test/backend/global-teardown.ts',
  // Each test file starts its own servers on 127.0.0.1:0; two workers suit the 2-core machines.
  maxWorkers: 2,
};
