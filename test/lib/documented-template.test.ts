/**
 * What the documents say about the template stays true of it: what `cdk destroy` keeps
 * (docs/deploy.md, "Remove it") and the alarms counted in the README's monthly floor.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildForwarderApp } from '../../lib/forwarder-app';
import { ROOT } from '../support/processes';

type Resources = Record<string, { Type: string; DeletionPolicy?: string }>;
const resourcesOf = (context: Record<string, string>): Resources =>
  Template.fromStack(buildForwarderApp(new App({ context }))).toJSON().Resources as Resources;

/** The "Remove it" section of docs/deploy.md, up to the next section. */
function removeSection(): string {
  const deploy = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
  const start = deploy.indexOf('\n## Remove it\n');
  expect(start).toBeGreaterThan(0);
  const end = deploy.indexOf('\n## ', start + 1);
  return deploy.slice(start, end < 0 ? undefined : end);
}

describe('the documents against the template', () => {
  it("names every resource type `cdk destroy` keeps in deploy.md's Remove it, the command that lists them included", () => {
    const everyPart = resourcesOf({
      routes: '[{"name":"paging","severities":["HIGH"]}]',
      pantherAccountId: '123456789012',
      exampleConsumer: 'true',
    });
    const retainedTypes = [
      ...new Set(
        Object.values(everyPart)
          .filter((r) => r.DeletionPolicy === 'Retain')
          .map((r) => r.Type),
      ),
    ].sort();
    expect(retainedTypes).toContain('AWS::SQS::Queue');
    const section = removeSection();
    const listed = [...section.matchAll(/'(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)'/g)].map((match) => match[1]!).sort();
    expect(listed).toEqual(retainedTypes);
  }, 60_000);

  it("counts the default template's alarms in the README's monthly floor", () => {
    const alarms = Object.values(resourcesOf({})).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').length;
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const floor = /CloudWatch alarms: (\d+) alarms × \$0\.10 \| \$(\d+\.\d\d) \|/.exec(readme);
    expect(floor).not.toBeNull();
    expect(Number(floor![1])).toBe(alarms);
    expect(Number(floor![2])).toBeCloseTo(alarms * 0.1, 2);
  }, 60_000);
});
