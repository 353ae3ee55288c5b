// The generated PubSub client, compiled to ES modules, runs in headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core) against samples/PubSub behind the development proxy:
// the browser's own WebSocket, no polyfill, the page's origin as the default URL. Then the sample's
// own page (samples/PubSub/Pages/index.html, which imports the checked-in generated client from
// /client/*.js) is driven like a user would, behind the development proxy and behind a real Pushpin 1.36.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { freePort, hasCommand, importClient, startPubSub, startPushpin } from "./support.mjs";

const chromium = "/usr/bin/chromium";
const skip = !(await hasCommand("chromium")) && "chromium is not installed (apt-get install -y chromium)";
const noPushpin = !(await hasCommand("pushpin")) && "pushpin is not installed";

let app;
let server;
let browser;
before(async () => {
  if (skip) return;
  const { js } = await importClient("pubsub");
  app = await startPubSub();
  // A static server for the compiled client and a page; the page talks to the sample on its own origin.
  server = createServer(async (request, response) => {
    const url = new URL(request.url, "http://x");
    if (url.pathname.startsWith("/api/")) {
      // Same-origin token requests (the sample sends no CORS headers); the WebSocket goes to the sample directly.
      const upstream = await fetch(app.origin + url.pathname + url.search);
      response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "text/plain" }).end(Buffer.from(await upstream.arrayBuffer()));
      return;
    }

    if (url.pathname === "/") {
      response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>grip client</title>");
      return;
    }

    try {
      const file = path.join(js, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ""));
      const body = await readFile(file);
      response.writeHead(200, { "content-type": "text/javascript" }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { chromium: driver } = await import("playwright-core");
  browser = await driver.launch({
    executablePath: chromium,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  await app?.stop();
});

test("the generated client subscribes, publishes and receives the typed channel message in Chromium", { skip }, async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  const result = await page.evaluate(
    async ({ clientUrl, origin }) => {
      const { PubSubClient, GripCloseError } = await import(clientUrl);
      const token = async (id) => (await (await fetch(`/api/token?clientId=${id}`)).json()).token;
      const ws = origin.replace("http", "ws");
      const alice = new PubSubClient({ url: ws, realtime: { query: async () => ({ token: await token("alice") }) } });
      const bob = new PubSubClient({ url: ws, realtime: { query: async () => ({ token: await token("bob") }) } });
      await alice.realtime.connect();
      await bob.realtime.connect();
      const ack = alice.realtime.waitFor("ack");
      alice.realtime.subscribe({ channel: "web" });
      const subscribed = await ack;
      const message = alice.realtime.waitFor("channelMessage");
      bob.realtime.publish({ channel: "web", name: "hello", data: { from: "chromium" } });
      const received = await message;
      const error = alice.realtime.waitFor("errorMessage");
      alice.realtime.send("{not json");
      const typedError = await error;
      const closed = alice.realtime.waitFor("close");
      alice.realtime.sendRaw(new Uint8Array([0]));
      const close = await closed;
      const reopened = await alice.realtime.waitFor("open");
      alice.close();
      bob.close();
      return {
        subscribed,
        received,
        errorCode: typedError.code,
        close: { code: close.code, kind: close.error?.kind, isCloseError: close.error instanceof GripCloseError, willReconnect: close.willReconnect },
        reconnected: reopened.reconnected,
        userAgent: navigator.userAgent,
      };
    },
    { clientUrl: `http://127.0.0.1:${server.address().port}/index.js`, origin: app.origin },
  );
  assert.deepEqual(errors, []);
  assert.match(result.userAgent, /HeadlessChrome|Chrome/);
  assert.deepEqual(result.subscribed, { action: "subscribed", channel: "web" });
  assert.deepEqual(result.received, { channel: "web", name: "hello", data: { from: "chromium" }, clientId: "bob" });
  assert.equal(result.errorCode, "malformed-json");
  assert.deepEqual(result.close, { code: 1003, kind: "unsupportedMessage", isCloseError: true, willReconnect: true });
  assert.equal(result.reconnected, true);
});

/** Waits until the last item of the list `#<list>` (of class `cls`, if given) has `text` (a string: equal; a RegExp: matches). */
function lastItem(page, list, text, cls) {
  const pattern = text instanceof RegExp ? { source: text.source } : { exact: text };
  return page.waitForFunction(
    ({ list, pattern, cls }) => {
      const items = document.querySelectorAll(`#${list} li${cls ? "." + cls : ""}`);
      const last = items[items.length - 1]?.textContent;
      return last !== undefined && (pattern.exact !== undefined ? last === pattern.exact : new RegExp(pattern.source).test(last));
    },
    { list, pattern, cls },
    { timeout: 15000 },
  );
}

const textOf = (page, id) => page.evaluate((id) => document.getElementById(id).textContent, id);

/**
 * Two users on the sample's page at `base`: token, connect, subscribe, publish (both see it), a typed
 * error for a bad channel, a refused token; with `sse`, the publish also reaches the SSE panel (needs a
 * real proxy: the development proxy does not hold HTTP streams).
 */
async function drivePage(base, { sse }) {
  const errors = [];
  const modules = new Map();
  const open = async (clientId) => {
    const page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("response", (r) => {
      const { pathname } = new URL(r.url());
      if (pathname.startsWith("/client/")) modules.set(pathname, r.status());
    });
    await page.goto(`${base}/`);
    await page.fill("#clientId", clientId);
    await page.click("#connect");
    await page.waitForFunction(() => document.getElementById("status").textContent === "connected", null, { timeout: 15000 });
    await page.fill("#channel", "page-news");
    await page.click("#subscribe");
    await lastItem(page, "messages", "subscribed page-news");
    return page;
  };

  const alice = await open("alice");
  const bob = await open("bob");
  // The page loaded the generated client's modules from the app (through the proxy).
  assert.deepEqual([...modules].sort(), [["/client/client.js", 200], ["/client/grip-runtime.js", 200], ["/client/index.js", 200], ["/client/models.js", 200]]);

  if (sse) {
    await bob.fill("#sseChannel", "page-news");
    await bob.click("#listen");
    await bob.waitForFunction(() => document.getElementById("sseStatus").textContent === "listening", null, { timeout: 15000 });
  }

  await alice.fill("#name", "greeting");
  await alice.fill("#data", '{"text":"hello from alice"}');
  await alice.click("#publish");
  const shown = 'page-news greeting from alice: {"text":"hello from alice"}';
  await lastItem(alice, "messages", shown);
  await lastItem(bob, "messages", shown);
  if (sse) {
    await lastItem(bob, "events", shown);
  }

  // The typed ErrorMessage reply, shown as an error; the connection stays open.
  await alice.fill("#channel", "bad channel!");
  await alice.click("#subscribe");
  await lastItem(alice, "messages", /^error invalid-channel: /, "err");
  assert.equal(await textOf(alice, "status"), "connected");

  // Unsubscribe: bob no longer gets page-news.
  await bob.click("#unsubscribe");
  await lastItem(bob, "messages", "unsubscribed page-news");

  // A refused token (no client id) is shown, and no connection is attempted.
  const carol = await browser.newPage();
  carol.on("pageerror", (e) => errors.push(e.message));
  await carol.goto(`${base}/`);
  await carol.fill("#clientId", "");
  await carol.click("#connect");
  await lastItem(carol, "messages", /^token refused: clientId is required/, "err");
  assert.equal(await textOf(carol, "status"), "disconnected");

  await Promise.all([alice.close(), bob.close(), carol.close()]);
  assert.deepEqual(errors, []);
}

describe("the sample's page with its generated client", { skip }, () => {
  test("behind the development proxy", async () => {
    await drivePage(app.origin, { sse: false });
  });

  test("behind a real Pushpin 1.36", { skip: noPushpin }, async () => {
    const originPort = await freePort();
    const pushpin = await startPushpin({ originPort });
    let origin;
    try {
      origin = await startPubSub({ port: originPort, gripUrl: pushpin.gripUrl, tokenKey: Buffer.alloc(32, 9).toString("base64") });
      await drivePage(pushpin.httpBase, { sse: true });
    } finally {
      await origin?.stop();
      await pushpin.stop();
    }
  });
});
