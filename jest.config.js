const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // TypeScript first: `cli/panther-forwarder` is the CLI's module, not its bin script (panther-forwarder.cjs).
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json', 'node'],
  // swc strips types (tsc checks them in `npm test`); it also turns ESM-only packages such as
  // @middy/core into CommonJS for jest.
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/env-unchanged.cjs'],
  testTimeout: 60_000,
  // Most suites wait (on servers, processes, deadlines) far more than they compute: two workers per
  // core keep the cores busy. Suites cannot collide: every server listens on a port of its own (0,
  // or a free one), temporary folders are mkdtemp's, and the build is done before any suite starts.
  maxWorkers: 2 * availableParallelism(),
  // The CDK suites hold large heaps; a worker that grew past this is replaced after its file.
  workerIdleMemoryLimit: '1GB',
};
