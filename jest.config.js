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
};
