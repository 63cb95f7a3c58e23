import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * A function's own role and log group: its logs go to that group only, instead of the managed
 * AWSLambdaBasicExecutionRole (cdk-nag IAM4).
 */
export function functionRole(scope: Construct, id: string, retention: logs.RetentionDays): { role: iam.Role; logGroup: logs.LogGroup } {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention });
  const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(
    new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}:*`] }),
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${Stack.of(scope).getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup)}.Arn>:*]`,
    reason: 'Lambda names its log streams at run time; the grant is limited to the function’s own log group.',
  });
  return { role, logGroup };
}
