#!/usr/bin/env node
// Prints one Grip-Sig per line, as Pushpin 1.36 makes them: HS256 over {"iss":ISS,"exp":T+3600}
// for every second T from now to now+SECONDS (Pushpin signs each request; the token changes every
// second because exp does). rotating-sig.lua picks the line of the current second.
// Usage: node make-sigs.js SECONDS [key=changeme] [iss=pushpin] > sigs.txt  (first line: start second)
const crypto = require('node:crypto');
const [seconds = '600', key = 'changeme', iss = 'pushpin'] = process.argv.slice(2);
const b64url = (buf) => Buffer.from(buf).toString('base64url');
const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const start = Math.floor(Date.now() / 1000);
const lines = [String(start)];
for (let t = start; t <= start + Number(seconds); t++) {
  const payload = b64url(JSON.stringify({ iss, exp: t + 3600 }));
  const sig = b64url(crypto.createHmac('sha256', key).update(`${header}.${payload}`).digest());
  lines.push(`${header}.${payload}.${sig}`);
}
process.stdout.write(lines.join('\n') + '\n');
