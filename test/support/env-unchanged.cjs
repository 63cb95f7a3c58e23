/**
 * No test changes the environment for the tests after it: each must end with process.env as it
 * began (a test that needs variables passes them to what it starts, or restores them itself).
 * Loaded after the test framework, for every test file (jest.config.js setupFilesAfterEnv); plain
 * CommonJS so that test/lint/env-unchanged.test.ts can load it into a scratch jest run as it is.
 */
let atStart = {};

beforeEach(() => {
  atStart = { ...process.env };
});

afterEach(() => {
  expect({ ...process.env }).toEqual(atStart);
});
