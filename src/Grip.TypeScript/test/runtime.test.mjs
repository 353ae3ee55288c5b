// Unit tests of the client runtime against a scripted local WebSocket server (ws): backoff and
// jitter, close codes to typed errors, the reconnect policy, the per-attempt hooks, the send queue,
// message matching. The live tests use the real sample; these pin down each rule.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import WebSocket, { WebSocketServer } from "ws";
import { importClient, record } from "./support.mjs";

let rt;
let server;
let port;
/** What the scripted server does with each new connection. */
let onConnection = () => {};
const received = [];

before(async () => {
  rt = (await importClient("pubsub")).module;
  server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((r) => server.once("listening", r));
  port = server.address().port;
  server.on("connection", (socket, request) => {
    socket.on("message", (data, isBinary) => received.push({ url: request.url, data: isBinary ? data : data.toString() }));
    onConnection(socket, request);
  });
});

after(async () => {
  for (const c of server.clients) c.terminate();
  await new Promise((r) => server.close(r));
});

const descriptor = {
  path: "/api/test",
  discriminator: "type",
  closeCodes: [
    { code: 1007, name: "invalidMessage", reason: "Invalid message" },
    { code: 1011, name: "handlerFault" },
    { code: 4001, name: "banned", description: "Go away.", reconnect: false },
  ],
  incoming: [
    { event: "ack", kind: "json", schema: { $ref: "#/components/schemas/Ack" } },
    { event: "text", kind: "text" },
    { event: "binary", kind: "binary" },
  ],
  schemas: { Ack: { type: "object", properties: { id: { type: "integer" } }, required: ["id"], additionalProperties: false } },
};

function channel(options = {}) {
  class TestConnection extends rt.GripChannel {
    constructor(o) {
      super(descriptor, o);
    }

    hello(message) {
      this.__sendRoute("hello", message);
    }
  }

  return new TestConnection({ url: `ws://127.0.0.1:${port}`, WebSocket, reconnect: { initialDelayMs: 20, maxDelayMs: 100, random: () => 0.5 }, ...options });
}

describe("backoff", () => {
  test("grows geometrically, is capped, and jitter removes up to its fraction", () => {
    const o = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.5 };
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => rt.backoffDelay(a, { ...o, random: () => 0 })), [100, 200, 400, 800, 1000, 1000]);
    assert.deepEqual([1, 2, 5].map((a) => rt.backoffDelay(a, { ...o, random: () => 1 })), [50, 100, 500]);
    assert.equal(rt.backoffDelay(3, { ...o, jitter: 1, random: () => 0.25 }), 300);
    assert.equal(rt.backoffDelay(3, { ...o, jitter: 0, random: () => 0.9 }), 400);
  });

  test("defaults: 250 ms doubling to 30 s", () => {
    assert.equal(rt.backoffDelay(1, { random: () => 0 }), 250);
    assert.equal(rt.backoffDelay(20, { random: () => 0 }), 30000);
  });
});

describe("schema matching", () => {
  const schemas = { A: { type: "object", properties: { x: { type: ["string", "null"] }, n: { type: "integer" }, tags: { type: "array", items: { type: "string" } }, b: { $ref: "#/components/schemas/B" } }, required: ["x"], additionalProperties: false }, B: { type: "string", enum: ["p", "q"] } };
  const a = { $ref: "#/components/schemas/A" };
  test("accepts what the schema describes", () => {
    assert.ok(rt.matchesSchema(a, { x: null }, schemas));
    assert.ok(rt.matchesSchema(a, { x: "s", n: 3, tags: ["t"], b: "q" }, schemas));
    assert.ok(rt.matchesSchema({}, [1, "any"], schemas));
    assert.ok(rt.matchesSchema({ allOf: [a, { properties: { x: { const: "k" } } }] }, { x: "k" }, schemas));
  });

  test("refuses missing required, unknown properties, wrong types, enum and const misses", () => {
    assert.ok(!rt.matchesSchema(a, {}, schemas));
    assert.ok(!rt.matchesSchema(a, { x: "s", extra: 1 }, schemas));
    assert.ok(!rt.matchesSchema(a, { x: 1 }, schemas));
    assert.ok(!rt.matchesSchema(a, { x: "s", n: 1.5 }, schemas));
    assert.ok(!rt.matchesSchema(a, { x: "s", tags: [1] }, schemas));
    assert.ok(!rt.matchesSchema(a, { x: "s", b: "r" }, schemas));
    assert.ok(!rt.matchesSchema(a, ["x"], schemas));
    assert.ok(!rt.matchesSchema({ oneOf: [{ type: "string" }, { type: "string" }] }, "s", schemas));
    assert.throws(() => rt.matchesSchema({ $ref: "#/components/schemas/Nope" }, 1, schemas), /Unresolvable/);
  });
});

describe("connection", () => {
  test("routes carry the discriminator; replies become typed events; unmatched JSON is reported", async () => {
    onConnection = (socket) => {
      socket.send(JSON.stringify({ id: 7 }));
      socket.send(JSON.stringify({ id: "not an integer" }));
      socket.send("plain text");
      socket.send(Buffer.from([1, 2]), { binary: true });
    };
    const c = channel();
    const acks = record(c, "ack");
    const texts = record(c, "text");
    const unmatched = record(c, "unmatched");
    const binary = c.waitFor("binary");
    await c.connect();
    c.hello({ name: "x" });
    assert.deepEqual([...new Uint8Array(await binary)], [1, 2]);
    assert.deepEqual(acks, [{ id: 7 }]);
    // JSON that matches no JSON message is still text, which this handler sends too.
    assert.deepEqual(texts, ['{"id":"not an integer"}', "plain text"]);
    assert.deepEqual(unmatched, []);
    await waitUntil(() => received.some((r) => r.data === '{"type":"hello","name":"x"}'));
    c.close();
  });

  test("sending before connect() throws GripNotConnectedError; while connecting it waits and is flushed", async () => {
    onConnection = () => {};
    const c = channel();
    assert.throws(() => c.hello({}), rt.GripNotConnectedError);
    const open = c.connect();
    c.hello({ queued: 1 });
    await open;
    await waitUntil(() => received.some((r) => r.data === '{"type":"hello","queued":1}'));
    c.close();
    assert.throws(() => c.hello({}), rt.GripNotConnectedError);
  });

  for (const [code, kind] of [[1007, "invalidMessage"], [1011, "handlerFault"]]) {
    test(`a ${code} close is GripCloseError '${kind}', and the client reconnects`, async () => {
      let n = 0;
      onConnection = (socket) => n++ === 0 && socket.close(code, "why");
      const c = channel();
      const errors = record(c, "error");
      const closes = record(c, "close");
      const reopened = c.waitFor("open", { filter: (o) => o.reconnected });
      await c.connect();
      await reopened;
      assert.equal(closes.length, 1);
      assert.equal(closes[0].willReconnect, true);
      assert.ok(closes[0].error instanceof rt.GripCloseError);
      assert.deepEqual([closes[0].error.code, closes[0].error.kind, closes[0].error.reason], [code, kind, "why"]);
      assert.equal(errors[0], closes[0].error);
      c.close();
    });
  }

  test("an app code marked reconnect:false ends the connection for good", async () => {
    onConnection = (socket) => socket.close(4001, "banned");
    const c = channel();
    const closed = c.waitFor("state", { filter: (s) => s === "closed" });
    const closes = record(c, "close");
    await c.connect();
    await closed;
    assert.equal(closes[0].error.kind, "banned");
    assert.equal(closes[0].error.description, "Go away.");
    assert.equal(closes[0].willReconnect, false);
  });

  test("a normal close (1000) is not reconnected; a code outside the contract is no GripCloseError", async () => {
    onConnection = (socket) => socket.close(1000);
    const c = channel();
    const closed = c.waitFor("close");
    await c.connect();
    const close = await closed;
    assert.deepEqual([close.code, close.error, close.willReconnect, c.state], [1000, undefined, false, "closed"]);
  });

  test("shouldReconnect overrides the default", async () => {
    onConnection = (socket) => socket.close(1000);
    let asked = 0;
    const c = channel({ reconnect: { initialDelayMs: 10, shouldReconnect: () => ++asked < 3 } });
    const closed = c.waitFor("state", { filter: (s) => s === "closed", timeoutMs: 5000 });
    await c.connect();
    await closed;
    assert.equal(asked, 3);
  });

  test("the query and url hooks run before every attempt and see the attempt and the last close", async () => {
    let n = 0;
    onConnection = (socket) => n++ < 2 && socket.close(1011);
    const seen = [];
    const c = channel({
      url: () => `ws://127.0.0.1:${port}/base/`,
      query: (info) => {
        seen.push({ attempt: info.attempt, reconnecting: info.reconnecting, last: info.lastClose?.code });
        return { token: `t${seen.length}`, skip: undefined };
      },
    });
    const opened = c.waitFor("open", { filter: (o) => o.reconnected, timeoutMs: 5000 });
    await c.connect();
    await opened;
    await waitUntil(() => n === 3);
    assert.deepEqual(seen[0], { attempt: 1, reconnecting: false, last: undefined });
    assert.deepEqual(seen.slice(1).map((s) => [s.reconnecting, s.last]), [[true, 1011], [true, 1011]]);
    c.close();
  });

  test("the URL joins the base, the handler path and the query", async () => {
    const urls = [];
    onConnection = (_, request) => urls.push(request.url);
    const c = channel({ url: `http://127.0.0.1:${port}/prefix`, query: { token: "a b", n: 3 } });
    await c.connect();
    c.close();
    assert.deepEqual(urls, ["/prefix/api/test?token=a+b&n=3"]);
  });

  test("after maxAttempts failed attempts it gives up: connect() rejects with GripConnectError", async () => {
    const c = channel({ url: "ws://127.0.0.1:1", reconnect: { initialDelayMs: 5, maxAttempts: 3 } });
    const errors = record(c, "error");
    await assert.rejects(c.connect(), rt.GripConnectError);
    assert.equal(errors.filter((e) => e instanceof rt.GripConnectError).length, 3);
    assert.equal(c.state, "closed");
  });

  test("reconnect: false never reconnects", async () => {
    onConnection = (socket) => socket.close(1011);
    const c = channel({ reconnect: false });
    const closed = c.waitFor("close");
    await c.connect();
    assert.equal((await closed).willReconnect, false);
    assert.equal(c.state, "closed");
  });

  test("close() by the client: no reconnect, byClient, pending waitFor rejects", async () => {
    onConnection = () => {};
    const c = channel();
    await c.connect();
    const waiting = c.waitFor("ack", { timeoutMs: 5000 });
    const closes = record(c, "close");
    c.close();
    await assert.rejects(waiting, rt.GripTimeoutError);
    assert.deepEqual([closes[0].byClient, closes[0].willReconnect, c.state], [true, false, "closed"]);
  });

  test("waitFor times out with GripTimeoutError", async () => {
    onConnection = () => {};
    const c = channel();
    await c.connect();
    await assert.rejects(c.waitFor("ack", { timeoutMs: 50 }), /No 'ack' within 50 ms/);
    c.close();
  });

  test("state events follow the life of the connection", async () => {
    let n = 0;
    onConnection = (socket) => n++ === 0 && socket.close(1011);
    const c = channel();
    const states = record(c, "state");
    const reopened = c.waitFor("open", { filter: (o) => o.reconnected });
    await c.connect();
    await reopened;
    c.close();
    assert.deepEqual(states, ["connecting", "open", "reconnecting", "open", "closed"]);
  });
});

async function waitUntil(condition, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
