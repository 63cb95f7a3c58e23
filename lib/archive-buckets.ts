/** What the archive's buckets share: privacy, encryption, expiry, and grants limited to keys. */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Alerts move to Standard-IA after this many days (see the README's cost section). */
export const TRANSITION_DAYS = 30;
/** How long a deleted or overwritten version stays recoverable. */
const NONCURRENT_DAYS = 30;
const ABORT_UPLOAD_DAYS = 7;
/** What every bucket of the archive shares: private, TLS 1.2+ only, no ACLs, and kept with the stack gone. */
export const PRIVATE_BUCKET = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  // A stack deletion never takes alerts or their audit trail with it (and autoDeleteObjects stays off).
  removalPolicy: RemovalPolicy.RETAIN,
  autoDeleteObjects: false,
} satisfies s3.BucketProps;

/** ListBucket limited to keys matching `pattern` (none for the whole bucket). */
export function listingOnly(pattern: string): { conditions?: Record<string, Record<string, unknown>> } {
  return pattern === '*' ? {} : { conditions: { StringLike: { 's3:prefix': [pattern] } } };
}

export function encryptedWith(key: kms.IKey | undefined): Pick<s3.BucketProps, 'encryption' | 'encryptionKey' | 'bucketKeyEnabled'> {
  // Bucket Keys: one KMS call per bucket key instead of one per PUT and GET of a 3 KB alert.
  return key
    ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
    : { encryption: s3.BucketEncryption.S3_MANAGED };
}

/** Current versions expire after `days`; a version deleted or overwritten stays recoverable 30 days more. */
export function expiring(days: number): s3.LifecycleRule {
  return {
    expiration: Duration.days(days),
    noncurrentVersionExpiration: Duration.days(NONCURRENT_DAYS),
    abortIncompleteMultipartUploadAfter: Duration.days(ABORT_UPLOAD_DAYS),
  };
}

/**
 * Object keys are content hashes, unknown until written: a grant on objects is a wildcard on this
 * bucket's keys (`pattern`, e.g. `alerts/*`) by nature. Acknowledged on the grantee's role when it is
 * in the bucket's stack.
 */
export function acknowledgeObjectWildcard(grantee: iam.IGrantable, bucket: s3.Bucket, pattern: string): void {
  const principal = grantee.grantPrincipal;
  if (!Construct.isConstruct(principal) || Stack.of(principal) !== Stack.of(bucket)) return;
  const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  Validations.of(principal).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${pattern}]`,
    reason: `Objects are named by content hash at write time; the grant covers only the keys ${pattern} of this bucket.`,
  });
}
