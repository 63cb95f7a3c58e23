/**
 * A preload (`NODE_OPTIONS=--require …/offline-guard.cjs`) that every node process of a command
 * inherits: it refuses, and records in $OFFLINE_GUARD_LOG, every DNS lookup and every TCP connection
 * to anything but loopback. Portable where strace is not (macOS, slim images), and it stops the
 * traffic instead of only watching it.
 */
'use strict';
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const logFile = process.env.OFFLINE_GUARD_LOG;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/i;

function record(what) {
  if (logFile) fs.appendFileSync(logFile, `${process.pid} ${what}\n`);
}

function refused(what) {
  const error = new Error(`offline-guard: ${what} refused (no network in this run)`);
  error.code = 'ECONNREFUSED';
  return error;
}

// net.connect, http(s).request and fetch (undici) all end in Socket.prototype.connect.
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const options =
    typeof args[0] === 'object' && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
  const host = options && options.path === undefined ? String(options.host ?? 'localhost') : undefined;
  if (host !== undefined && !LOOPBACK.test(host)) {
    record(`connect ${host}:${options.port}`);
    process.nextTick(() => this.destroy(refused(`connect to ${host}`)));
    return this;
  }
  return connect.apply(this, args);
};

for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveTxt', 'resolveSrv']) {
  const original = dns[name];
  dns[name] = function guardedLookup(hostname, ...rest) {
    if (LOOPBACK.test(String(hostname))) return original.call(this, hostname, ...rest);
    record(`dns ${hostname}`);
    const callback = rest.find((arg) => typeof arg === 'function');
    if (callback) process.nextTick(() => callback(refused(`lookup of ${hostname}`)));
  };
  const promised = dns.promises[name];
  dns.promises[name] = async (hostname, ...rest) => {
    if (LOOPBACK.test(String(hostname))) return promised(hostname, ...rest);
    record(`dns ${hostname}`);
    throw refused(`lookup of ${hostname}`);
  };
}
