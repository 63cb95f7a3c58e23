/** Alert builders with no side effects (the benchmark uses them too). */

/** A complete v1-style alert (all 13 keys), to vary from. */
export function baseAlert(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'AWS.CloudTrail.RootActivity',
    createdAt: '2020-10-13T03:35:24Z',
    severity: 'HIGH',
    type: 'RULE',
    link: 'https://example.runpanther.net/alerts/b90c19e66e160e194a5b3b94ec27fb7c',
    title: 'New Alert: Root account activity',
    name: 'Root Account Activity',
    alertId: 'b90c19e66e160e194a5b3b94ec27fb7c',
    alertContext: { ip: '203.0.113.7' },
    description: 'Root account used',
    runbook: 'Page the on-call',
    tags: ['AWS', 'Identity'],
    version: 'CJm9PiaXV0q8U0JhoFmE6L21ou7e5Ek0',
    ...overrides,
  };
}

/** `count` distinct valid alerts, told apart by alertId `<prefix>-<n>`, n zero-padded; `overrides` for them all. */
export function distinctAlerts(count: number, prefix: string, overrides: Record<string, unknown> = {}): string[] {
  return Array.from({ length: count }, (_, n) =>
    JSON.stringify(baseAlert({ alertId: `${prefix}-${String(n).padStart(6, '0')}`, title: `New Alert: ${prefix} #${n}`, ...overrides })),
  );
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** A valid alert padded (inside alertContext) to exactly `bytes` bytes. */
export function padTo(bytes: number): Buffer {
  const shell = json(baseAlert({ alertContext: { pad: '' } }));
  return json(baseAlert({ alertContext: { pad: 'p'.repeat(bytes - shell.length) } }));
}
