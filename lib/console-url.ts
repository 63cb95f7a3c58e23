/**
 * Links into the AWS console of the stack's partition: console.aws.amazon.com (aws),
 * console.amazonaws.cn (aws-cn), console.amazonaws-us-gov.com (aws-us-gov), chosen at deploy time by
 * a CloudFormation mapping on the partition the stack is in.
 */
import { Aws, CfnMapping, Fn, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export const CONSOLE_HOSTS = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
} as const;

const MAPPING_ID = 'ConsoleHost';

/** `https://<the partition's console>/<path>`; the mapping is created once per stack. */
export function consoleUrl(scope: Construct, path: string): string {
  const stack = Stack.of(scope);
  const mapping =
    (stack.node.tryFindChild(MAPPING_ID) as CfnMapping | undefined) ??
    new CfnMapping(stack, MAPPING_ID, {
      mapping: Object.fromEntries(Object.entries(CONSOLE_HOSTS).map(([partition, host]) => [partition, { host }])),
    });
  return Fn.join('', ['https://', mapping.findInMap(Aws.PARTITION, 'host'), `/${path}`]);
}
