// Fails any TCP connection to a host other than 127.0.0.1, in the test process and (through
// NODE_OPTIONS=--require) in every process a test starts. A tripwire: tests must never reach
// Slack, Discord, a model hub or anything else off this machine.
const net = require('node:net');

// Only the IPv4 loopback address, written out: not even "localhost", which may resolve elsewhere.
const ALLOWED = new Set(['127.0.0.1', '::ffff:127.0.0.1']);
const original = net.Socket.prototype.connect;

function targetOf(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object') {
    if (first.path) return null;
    return { host: first.host ?? 'localhost', port: first.port };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return null; // a unix socket path
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
}

net.Socket.prototype.connect = function guardedConnect(...args) {
  const target = targetOf(args);
  if (target && !ALLOWED.has(target.host)) {
    const err = new Error(`loopback guard: blocked a connection to ${target.host}:${target.port}`);
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return original.apply(this, args);
};
