// Minimal reproduction (docs/scaling.md, "Answering many WebSocket-over-HTTP requests at once"):
// a WebSocket-over-HTTP origin that answers N held requests at the same moment, while each client
// has one more message waiting in Pushpin. Pushpin then starts N new requests to the origin at once.
//
//   node burst.mjs ORIGIN_PORT WS_URL N MODE OUT.json
//     MODE=together: every client's first message is held, all are answered at one moment
//     MODE=spread:   the same messages (sent at random moments within 3 s), each answered as soon as it arrives
//
// Loopback only. No GRIP library: the protocol is written by hand so that nothing else is measured.
import http from 'node:http';
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const WebSocket = require('ws');

const [, , PORTS, URL_, NS, MODE, OUT] = process.argv;
const N = +NS;
if (!/^ws:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?\//.test(URL_)) { console.error('loopback only'); process.exit(2); }

// --- origin -------------------------------------------------------------------------------------
const held = [];
let requests = 0, textEvents = 0;
function events(body) { // parse "TYPE[ hexlen]\r\n[content\r\n]" events
  const out = []; let i = 0;
  while (i < body.length) {
    const eol = body.indexOf('\r\n', i); const line = body.subarray(i, eol).toString(); i = eol + 2;
    const [type, hex] = line.split(' ');
    let content = null;
    if (hex !== undefined) { const len = parseInt(hex, 16); content = body.subarray(i, i + len); i += len + 2; }
    out.push({ type, content });
  }
  return out;
}
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    requests++;
    const evs = events(Buffer.concat(chunks));
    const headers = { 'Content-Type': 'application/websocket-events' };
    if (evs.some(e => e.type === 'OPEN')) {
      res.writeHead(200, { ...headers, 'Sec-WebSocket-Extensions': 'grip' });
      res.end('OPEN\r\n');
      return;
    }
    const texts = evs.filter(e => e.type === 'TEXT');
    textEvents += texts.length;
    // Echo each text back (prefixed m:, as GRIP requires), so the client sees every message answered.
    let body = '';
    for (const t of texts) { const m = 'm:' + t.content.toString(); body += `TEXT ${Buffer.byteLength(m).toString(16)}\r\n${m}\r\n`; }
    const answer = () => { res.writeHead(200, headers); res.end(body); };
    if (MODE === 'together' && texts.some(t => t.content.toString().endsWith(' first'))) held.push(answer);
    else answer();
  });
});
await new Promise(r => server.listen(+PORTS, '127.0.0.1', r));

// --- clients ------------------------------------------------------------------------------------
const closes = {}; let opened = 0, echoed = 0;
const clients = [];
for (let i = 0; i < N; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, N - i) }, (_, k) => new Promise(resolve => {
    const ws = new WebSocket(URL_, { perMessageDeflate: false });
    const c = { ws, open: false }; clients.push(c);
    ws.on('open', () => { c.open = true; opened++; resolve(); });
    ws.on('message', () => { echoed++; });
    ws.on('close', code => { c.open = false; closes[code] = (closes[code] || 0) + 1; });
    ws.on('error', () => resolve());
  })));
}
// Message 1 goes to the origin (and is held in 'together' mode); message 2 waits in Pushpin,
// because Pushpin has one request per connection in flight.
// Each client sends its first message at a random moment within 3 s (no burst from the clients),
// and its second one 200 ms later, while the first is still with the origin in 'together' mode.
await Promise.all(clients.map((c, i) => new Promise(r => setTimeout(() => {
  if (c.open) c.ws.send(`c${i} first`);
  setTimeout(() => { if (c.open) c.ws.send(`c${i} second`); r(); }, 200);
}, Math.random() * 3000))));
// Wait until every first message reached the origin, then release them all at once.
const t0 = Date.now();
while (MODE === 'together' && held.length < opened && Date.now() - t0 < 20000) await new Promise(r => setTimeout(r, 50));
const releasedHeld = held.length;
for (const answer of held.splice(0)) answer();
await new Promise(r => setTimeout(r, 5000));
const result = { N, MODE, opened, releasedTogether: releasedHeld, originRequests: requests, textEvents, echoed, stillOpen: clients.filter(c => c.open).length, closes };
fs.writeFileSync(OUT, JSON.stringify(result));
console.log(JSON.stringify(result));
for (const c of clients) try { c.ws.terminate(); } catch { }
server.close();
setTimeout(() => process.exit(0), 500);
