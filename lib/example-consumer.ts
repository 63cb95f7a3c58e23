import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bundledFunction } from './bundled-function';

export interface ExampleConsumerProps {
  /** The queue it reads (its visibility timeout sets the function's timeout). */
  readonly queue: sqs.IQueue;
  /** The queue's visibility timeout, as configured (CDK cannot read it back from the queue). */
  readonly visibilityTimeout: Duration;
  readonly logRetention: logs.RetentionDays;
  /** Merged over the function's settings (checked by checkForwarderProps: `consumerFunctionProps`); never its timeout. @default none */
  readonly functionProps?: Partial<lambda.FunctionProps>;
}

/**
 * The example subscriber (functions/example-consumer.ts) on a queue: an SQS event source with
 * partial batch failures. Its timeout is a sixth of the queue's visibility timeout, as AWS
 * recommends for SQS event sources, so a retried batch never overlaps one still running.
 */
export class ExampleConsumer extends Construct {
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: ExampleConsumerProps) {
    super(scope, id);
    const timeout = exampleConsumerTimeout(props.visibilityTimeout);
    this.function = bundledFunction(this, 'ExampleConsumer', 'example-consumer', props.logRetention, {
      description: 'Example subscriber: logs each Panther alert from the alert queue',
      ...props.functionProps,
      timeout,
    });
    this.function.addEventSource(new SqsEventSource(props.queue, { batchSize: 10, reportBatchItemFailures: true }));
  }
}

/** A sixth of the visibility timeout, at least one second; a visibility timeout under a second cannot host a consumer. */
export function exampleConsumerTimeout(visibilityTimeout: Duration): Duration {
  const visibility = visibilityTimeout.toSeconds();
  if (visibility < 1) throw new Error(`exampleConsumer needs a visibilityTimeout of at least 1 second, got ${visibility} s`);
  return Duration.seconds(Math.max(1, Math.floor(visibility / 6)));
}
