// Reference peer for fan-out: the chat on Node as the GRIP libraries document it
// (@fanoutio/serve-grip 2.0, @fanoutio/grip 4.3): every connection subscribes to 'all'; every
// message is published to 'all', and the response waits for the publishes.
//   PORT=... GRIP_CONTROL=http://127.0.0.1:<publish port>/ GRIP_KEY=... node chat.mjs   (path: any)
import http from 'node:http';
import { ServeGrip } from '@fanoutio/serve-grip';
import { WebSocketMessageFormat } from '@fanoutio/grip';

const port = Number(process.env.PORT ?? 5303);
const key = process.env.GRIP_KEY ?? 'changeme';
const serveGrip = new ServeGrip({
  grip: { control_uri: process.env.GRIP_CONTROL ?? 'http://127.0.0.1:5561/', control_iss: 'pushpin', key, verify_key: key },
  gripProxyRequired: true,
});
const publisher = serveGrip.getPublisher();

http.createServer(async (req, res) => {
  if (!(await serveGrip.run(req, res))) return;
  const { wsContext } = req.grip;
  if (wsContext == null) { res.statusCode = 400; res.end('[not a websocket request]\n'); return; }
  if (wsContext.isOpening()) { wsContext.accept(); wsContext.subscribe('all'); }
  const publishes = [];
  try {
    while (wsContext.canRecv()) {
      const message = wsContext.recvRaw();
      if (message == null) { wsContext.close(); break; }
      if (typeof message === 'string') publishes.push(publisher.publishFormats('all', new WebSocketMessageFormat(message)));
    }
  } catch (e) {
    // grip 4.3 throws on a DISCONNECT event ("Client disconnected unexpectedly."); unhandled, it ends the process.
  }
  // A failed publish is counted and logged here; unhandled, it would end the Node process.
  const results = await Promise.allSettled(publishes);
  for (const r of results) if (r.status === 'rejected') { failures++; if (failures <= 5) console.error('publish failed:', r.reason?.message ?? r.reason); }
  res.end();
}).listen(port, '127.0.0.1', () => console.log(`node chat origin on ${port}`));
let failures = 0;
// The harness stops the origin with SIGTERM: say how many publishes failed in all.
process.on('SIGTERM', () => { console.error(`publish failures: ${failures}`); process.exit(0); });
