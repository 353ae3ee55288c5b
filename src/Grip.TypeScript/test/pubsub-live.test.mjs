// The generated PubSub client against the real samples/PubSub: behind the development proxy and
// behind a real Pushpin 1.36. Subscribe, publish, the typed channel message, typed errors for bad
// input (an ErrorMessage reply, and a 1003 close), reconnect after the server closes, with the
// query hook fetching a fresh token before every attempt.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { delay, hasCommand, importClient, record, startPubSub, startPushpin } from "./support.mjs";

let client;
before(async () => {
  client = await importClient("pubsub");
});

/** A client whose query hook fetches a fresh token through `httpBase` before every connection attempt. */
function connectClient(wsBase, httpBase, clientId) {
  const tokens = [];
  const pubsub = new client.module.PubSubClient({
    url: wsBase,
    WebSocket,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 },
    realtime: {
      query: async () => {
        const response = await fetch(`${httpBase}/api/token?clientId=${clientId}`);
        if (!response.ok) throw new Error(`token: ${response.status}`);
        const { token } = await response.json();
        tokens.push(token);
        return { token };
      },
    },
  });
  return { pubsub, rt: pubsub.realtime, tokens };
}

async function subscribe(rt, channel) {
  const ack = rt.waitFor("ack", { filter: (a) => a.channel === channel });
  rt.subscribe({ channel });
  assert.deepEqual(await ack, { action: "subscribed", channel });
}

/** Subscribe, publish, typed channel message, typed error replies. */
async function subscribePublishAndErrors(wsBase, httpBase) {
  const alice = connectClient(wsBase, httpBase, "alice");
  const bob = connectClient(wsBase, httpBase, "bob");
  try {
    await alice.rt.connect();
    await bob.rt.connect();
    assert.equal(alice.rt.state, "open");
    await subscribe(alice.rt, "news");

    const received = alice.rt.waitFor("channelMessage");
    bob.rt.publish({ channel: "news", name: "greeting", data: { hello: "world", n: [1, 2] } });
    assert.deepEqual(await received, { channel: "news", name: "greeting", data: { hello: "world", n: [1, 2] }, clientId: "bob" });

    // Bad input, through the typed API: the server answers with its typed ErrorMessage, the socket stays open.
    const malformed = alice.rt.waitFor("errorMessage");
    alice.rt.send("this is not JSON");
    const e1 = await malformed;
    assert.equal(e1.action, "error");
    assert.equal(e1.code, "malformed-json");

    const invalid = alice.rt.waitFor("errorMessage");
    alice.rt.subscribe({ channel: "no spaces allowed" });
    assert.deepEqual(await invalid, { action: "error", code: "invalid-channel", message: "Channel names are 1-64 letters, digits or -_.:", channel: "no spaces allowed" });

    const nameless = alice.rt.waitFor("errorMessage");
    alice.rt.publish({ channel: "news", name: "", data: null });
    assert.equal((await nameless).code, "invalid-message");
    assert.equal(alice.rt.state, "open");
  } finally {
    alice.pubsub.close();
    bob.pubsub.close();
  }
}

/** A binary frame: the handler has no binary method, so the server closes with 1003; the client reports the typed error and reconnects. */
async function closeCodeAndReconnect(wsBase, httpBase) {
  const alice = connectClient(wsBase, httpBase, "alice");
  const bob = connectClient(wsBase, httpBase, "bob");
  try {
    const errors = record(alice.rt, "error");
    const closes = record(alice.rt, "close");
    const opens = record(alice.rt, "open");
    await alice.rt.connect();
    await bob.rt.connect();
    await subscribe(alice.rt, "room");
    assert.equal(alice.tokens.length, 1);

    const reopened = alice.rt.waitFor("open", { timeoutMs: 15000 });
    alice.rt.sendRaw(new Uint8Array([1, 2, 3]));
    await reopened;

    assert.equal(closes.length, 1);
    assert.equal(closes[0].code, 1003);
    assert.equal(closes[0].willReconnect, true);
    assert.equal(closes[0].byClient, false);
    const closeError = errors.find((e) => e instanceof client.module.GripCloseError);
    assert.ok(closeError, `errors: ${errors.map(String)}`);
    assert.equal(closeError.code, 1003);
    assert.equal(closeError.kind, "unsupportedMessage");
    assert.equal(closeError, closes[0].error);
    assert.deepEqual(opens.map((o) => o.reconnected), [false, true]);
    assert.equal(alice.tokens.length, 2, "the query hook ran again before the reconnect");

    // The new connection has no subscriptions (the old one's died with it): subscribe again, then publishes arrive.
    await subscribe(alice.rt, "room");
    const received = alice.rt.waitFor("channelMessage");
    bob.rt.publish({ channel: "room", name: "after-reconnect", data: 42 });
    assert.deepEqual(await received, { channel: "room", name: "after-reconnect", data: 42, clientId: "bob" });
  } finally {
    alice.pubsub.close();
    bob.pubsub.close();
  }
}

/** The server goes away and comes back: the client reconnects with backoff, fetching a fresh token each attempt. */
async function serverRestart(wsBase, httpBase, restart) {
  const alice = connectClient(wsBase, httpBase, "alice");
  try {
    const states = record(alice.rt, "state");
    const closes = record(alice.rt, "close");
    await alice.rt.connect();
    await subscribe(alice.rt, "before");
    const reopened = alice.rt.waitFor("open", { timeoutMs: 60000 });
    await restart();
    await reopened;
    assert.ok(closes.length >= 1 && closes[0].willReconnect, JSON.stringify(closes));
    assert.ok(states.includes("reconnecting"), states.join(","));
    assert.equal(alice.rt.state, "open");
    assert.ok(alice.tokens.length >= 2, `tokens fetched: ${alice.tokens.length}`);
    await subscribe(alice.rt, "after");
  } finally {
    alice.pubsub.close();
  }
}

describe("PubSub behind the development proxy", () => {
  let app;
  before(async () => {
    app = await startPubSub();
  });
  after(async () => {
    await app?.stop();
  });

  const ws = () => `ws://127.0.0.1:${app.port}`;
  test("subscribe, publish, typed channel message, typed error replies", () => subscribePublishAndErrors(ws(), app.origin));
  test("a 1003 close is a typed GripCloseError, and the client reconnects", () => closeCodeAndReconnect(ws(), app.origin));
  test("the app restarts (new token key): the client reconnects with a fresh token", () =>
    serverRestart(ws(), app.origin, async () => {
      const port = app.port;
      await app.stop();
      await delay(300);
      app = await startPubSub({ port });
    }));
});

describe("PubSub behind a real Pushpin 1.36", { skip: !(await hasCommand("pushpin")) && "pushpin is not installed" }, () => {
  let app;
  let pushpin;
  before(async () => {
    const { freePort } = await import("./support.mjs");
    const originPort = await freePort();
    pushpin = await startPushpin({ originPort });
    app = await startPubSub({ port: originPort, gripUrl: pushpin.gripUrl, tokenKey: Buffer.alloc(32, 7).toString("base64") });
  });
  after(async () => {
    await app?.stop();
    await pushpin?.stop();
  });

  test("subscribe, publish, typed channel message, typed error replies", () => subscribePublishAndErrors(pushpin.wsBase, pushpin.httpBase));
  test("a 1003 close is a typed GripCloseError, and the client reconnects", () => closeCodeAndReconnect(pushpin.wsBase, pushpin.httpBase));
  test("Pushpin restarts: the client reconnects with a fresh token", () =>
    serverRestart(pushpin.wsBase, pushpin.httpBase, async () => {
      const { httpPort, publishPort, sigKey } = pushpin;
      await pushpin.stop();
      await delay(300);
      pushpin = await startPushpin({ originPort: app.port, httpPort, publishPort, sigKey });
    }));
});
