// Fan-out load client: node load.js WSURL N M SPREAD_MS OUT.json [SETTLE_MS] [MAX_MS]
//
// Opens N WebSockets (in waves of 50), then each open client sends M messages "L <client> <seq> <ms>"
// at random moments within SPREAD_MS. Every open client must receive every message exactly once.
// Stops when every open client has everything, when nothing new arrived for SETTLE_MS, or after
// MAX_MS in all; then writes the counts to OUT.json and prints them as one JSON line.
// Loopback only: any other host is refused.
'use strict';
const WebSocket = require('ws');
const fs = require('fs');

const [, , URL_, NS, MS, SPREADS, OUT, SETTLE = '30000', MAXS = '600000'] = process.argv;
const N = +NS, M = +MS, SPREAD = +SPREADS, SETTLE_MS = +SETTLE, MAX_MS = +MAXS;
const host = new URL(URL_).hostname;
if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== 'localhost' && host !== '[::1]') {
  console.error(`refusing non-loopback target ${host}`);
  process.exit(2);
}

const t0 = Date.now();
const clients = [];
let opened = 0, recvTotal = 0, dup = 0, foreign = 0, toldNotDelivered = 0, toldUnknown = 0, finishing = false;
const closes = {}, errors = {}, lat = [];
// When each early close happened: ms after the client's open and after the run's start, its messages sent/received, and the close reason.
const closeLog = [];

function connect(i) {
  return new Promise(resolve => {
    const ws = new WebSocket(URL_, { perMessageDeflate: false });
    const c = { i, ws, seen: new Set(), open: false, sentSeqs: new Set(), openedAt: 0, lastRecvAt: 0 };
    clients[i] = c;
    const timer = setTimeout(() => { errors['connect-timeout'] = (errors['connect-timeout'] || 0) + 1; try { ws.terminate(); } catch { } resolve(); }, 60000);
    ws.on('open', () => { clearTimeout(timer); c.open = true; c.openedAt = Date.now(); opened++; resolve(); });
    ws.on('message', data => {
      const s = data.toString(), now = Date.now();
      recvTotal++;
      c.lastRecvAt = now;
      const m = /^L (\d+) (\d+) (\d+)$/.exec(s);
      if (!m) {
        // samples/Chat tells a sender about a publish that failed or whose outcome is unknown.
        if (s.startsWith('error: not delivered: ')) toldNotDelivered++;
        else if (s.startsWith('error: delivery unknown: ')) toldUnknown++;
        else foreign++;
        return;
      }
      const key = m[1] + ':' + m[2];
      if (c.seen.has(key)) dup++; else { c.seen.add(key); lat.push(now - +m[3]); }
    });
    ws.on('close', (code, reason) => {
      if (!finishing) {
        closes[code] = (closes[code] || 0) + 1;
        const now = Date.now();
        closeLog.push({ client: i, code, reason: reason.toString(), msAfterOpen: c.openedAt ? now - c.openedAt : null, msAfterStart: now - t0,
          msSinceLastReceived: c.lastRecvAt ? now - c.lastRecvAt : null, sent: c.sentSeqs.size, received: c.seen.size });
      }
      c.open = false;
    });
    ws.on('error', e => { errors[e.message] = (errors[e.message] || 0) + 1; clearTimeout(timer); resolve(); });
  });
}

(async () => {
  for (let i = 0; i < N; i += 50) await Promise.all(Array.from({ length: Math.min(50, N - i) }, (_, k) => connect(i + k)));
  const tConnected = Date.now();
  console.error(`connected ${opened}/${N} in ${tConnected - t0} ms`);
  await new Promise(r => setTimeout(r, 1000));
  let sent = 0;
  const sends = [];
  for (const c of clients) {
    if (!c || !c.open) continue;
    for (let j = 0; j < M; j++) {
      sends.push(new Promise(r => setTimeout(() => { if (c.open) { c.ws.send(`L ${c.i} ${j} ${Date.now()}`); sent++; c.sentSeqs.add(j); } r(); }, Math.random() * SPREAD)));
    }
  }
  await Promise.all(sends);
  const tSent = Date.now();
  console.error(`sent ${sent}`);
  let last = -1, lastChange = Date.now(), timedOut = false;
  for (;;) {
    await new Promise(r => setTimeout(r, 250));
    const have = clients.reduce((a, c) => a + (c ? c.seen.size : 0), 0);
    const want = clients.filter(c => c && c.open).length * sent;
    if (have >= want) break;
    if (have !== last) { last = have; lastChange = Date.now(); }
    if (Date.now() - lastChange > SETTLE_MS) break;
    if (Date.now() - t0 > MAX_MS) { timedOut = true; break; }
  }
  finishing = true;
  const all = clients.filter(Boolean);
  const openNow = all.filter(c => c.open);
  const perClient = all.map(c => c.seen.size);
  const lost = openNow.reduce((a, c) => a + (sent - c.seen.size), 0);
  // Which messages reached anyone, and whose sender stayed open: a message whose sender's connection
  // dropped before the proxy passed it on can reach no one, and that is not a loss among open ones.
  const reachedAnyone = new Set();
  for (const c of all) for (const k of c.seen) reachedAnyone.add(k);
  const lostAmongOpen = openNow.reduce((a, c) => a + (reachedAnyone.size - c.seen.size), 0);
  let neverDeliveredFromOpen = 0, neverDeliveredFromClosed = 0;
  for (const c of all) for (const j of c.sentSeqs) {
    if (!reachedAnyone.has(c.i + ':' + j)) { if (c.open) neverDeliveredFromOpen++; else neverDeliveredFromClosed++; }
  }
  lat.sort((a, b) => a - b);
  const pct = p => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : null);
  // Over every delivery the run asked for (every message sent x every client that opened), a
  // delivery that never happened counting as infinitely late: comparable between sides that
  // delivered different shares. null = that percentile was never reached.
  const expectedAll = sent * opened;
  const pctAll = p => { const k = Math.floor(p * expectedAll); return k < lat.length ? lat[k] : null; };
  const res = {
    N, M, spreadMs: SPREAD, opened, sent, stillOpen: openNow.length,
    expectedDeliveries: openNow.length * sent, uniqueDelivered: perClient.reduce((a, b) => a + b, 0),
    recvTotal, dup, lost, lostAmongOpen, neverDeliveredFromOpen, neverDeliveredFromClosed, toldNotDelivered, toldUnknown, foreign,
    clientsComplete: openNow.filter(c => c.seen.size === sent).length,
    p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), max: lat.length ? lat[lat.length - 1] : null,
    expectedAll, p50All: pctAll(0.5), p99All: pctAll(0.99),
    closes, closeLog, errors, timedOut, connectMs: tConnected - t0, sendPhaseMs: tSent - tConnected, wallMs: Date.now() - t0,
  };
  fs.writeFileSync(OUT, JSON.stringify(res, null, 1));
  console.log(JSON.stringify(res));
  for (const c of all) try { c.ws.close(1000); } catch { }
  setTimeout(() => process.exit(0), 2000);
})();
