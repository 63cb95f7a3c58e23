/** The shapes the props' strings must have: accounts, ARNs, addresses, names. */
import { isIP } from 'node:net';
import type { Problems } from './problems';

export const ACCOUNT_ID = /^\d{12}$/;
/** An IAM role ARN in any partition; a path is allowed, a wildcard is not (a queue policy would refuse it). */
export const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Roughly RFC 5321's mailbox: enough to catch a typo or a missing value before SNS refuses it. */
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>".]+(\.[^\s@,;<>".]+)+$/;
export const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
export const CERTIFICATE_ARN = /^arn:aws[\w-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[\w-]+$/;
export const WEB_ACL_ARN = /^arn:aws[\w-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[\w-]+\/[\w-]+$/;

/** An IPv4/IPv6 address, or a CIDR block with a prefix that fits its family. */
export function isIpOrCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Email addresses alarms are sent to, each checked; `key` names them as the user typed it. */
export function checkEmails(emails: readonly string[], key: string, problems: Problems): void {
  for (const email of emails) if (!EMAIL.test(email)) problems.add(key, `must be email addresses, got ${JSON.stringify(email)}`);
}
