// The generated PubSub client, compiled to ES modules, runs in headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core) against samples/PubSub behind the development proxy:
// the browser's own WebSocket, no polyfill, the page's origin as the default URL.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import { after, before, test } from "node:test";
import { hasCommand, importClient, startPubSub } from "./support.mjs";

const chromium = "/usr/bin/chromium";
const skip = !(await hasCommand("chromium")) && "chromium is not installed (apt-get install -y chromium)";

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
