/** A usage error says what is wrong in one line and where the help is; it does not print the help. */
import { cli } from '../support/cli';

describe('usage errors', () => {
  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['validate'], 'validate needs at least one file'],
    [['tail', '--max=-3'], '--max must be a positive whole number'],
    [['tail', '--max', '-3'], "Option '--max' argument is ambiguous."], // node's parseArgs says it in three lines
    // tail's options of old, when it received from a queue: it never does now, and names the command that does.
    [
      ['tail', '--queue-url', 'http://127.0.0.1:1/q'],
      'tail follows the archive and never receives from a queue; to take messages off a queue (it removes them): take',
    ],
    [['tail', '--delete'], 'tail follows the archive and never receives from a queue'],
    [['tail', '--route', 'paging'], 'tail follows the archive and never receives from a queue'],
    [['tail', '--prefix', 'alerts'], '--prefix must be empty or lower-case path segments each ending in /, e.g. alerts/, got "alerts"'],
    [['send-test-alert', '--header', 'no-colon'], `--header must look like 'Name: value', got "no-colon"`],
  ])(
    '%j: exit 2, one line naming the problem and --help',
    async (args, problem) => {
      const { code, stdout, stderr } = await cli(args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const lines = stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^panther-forwarder: .* \(see --help\)$/);
      expect(lines[0]).toContain(`panther-forwarder: ${problem}`);
    },
    30_000,
  );

  it('--help still prints the whole help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout.split('\n').length).toBeGreaterThan(40);
  }, 30_000);
});
