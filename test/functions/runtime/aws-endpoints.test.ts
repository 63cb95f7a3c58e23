/**
 * Where the archive's PUT and the bus's PutEvents go in AWS, as the SDK's endpoint rules give them
 * (the signed requests do not load those rules): the region's host for each variant, and for S3 the
 * bucket in the host name unless a dot in its name would break the certificate's wildcard.
 */
import { s3BucketEndpoint } from '../../../functions/runtime/archive-writer';
import { eventsEndpoint } from '../../../functions/runtime/bus-sender';

describe('s3BucketEndpoint', () => {
  it.each([
    ['archive-bucket', 'us-east-1', {}, 'https://archive-bucket.s3.us-east-1.amazonaws.com/'],
    ['archive-bucket', 'eu-west-1', { fips: false, dualStack: true }, 'https://archive-bucket.s3.dualstack.eu-west-1.amazonaws.com/'],
    ['archive-bucket', 'us-gov-west-1', { fips: true }, 'https://archive-bucket.s3-fips.us-gov-west-1.amazonaws.com/'],
    ['archive-bucket', 'cn-north-1', {}, 'https://archive-bucket.s3.cn-north-1.amazonaws.com.cn/'],
    ['my.archive', 'us-east-1', {}, 'https://s3.us-east-1.amazonaws.com/my.archive'],
  ])('%s in %s %j → %s', (bucket, region, variant, url) => {
    expect(s3BucketEndpoint(bucket, region, variant).href).toBe(url);
  });
});

describe('eventsEndpoint', () => {
  it.each([
    ['us-east-1', {}, 'https://events.us-east-1.amazonaws.com/'],
    ['cn-north-1', {}, 'https://events.cn-north-1.amazonaws.com.cn/'],
  ])('%s %j → %s', (region, variant, url) => {
    expect(eventsEndpoint(region, variant).href).toBe(url);
  });
});
