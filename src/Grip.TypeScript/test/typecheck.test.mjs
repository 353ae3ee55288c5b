// tsc --strict (and then some) compiles the generated clients of both sample documents, for the
// browser (lib dom) and for Node (types node + ws); a call that was valid against the document no
// longer compiles once the message type changes in the document (what a C# change would do).
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { documents, generateInto, packageDir, strictFlags, tempDir, tsc } from "./support.mjs";

const browserArgs = (dir) => [...strictFlags, "--noEmit", "--target", "es2022", "--module", "es2022", "--moduleResolution", "bundler", "--lib", "es2022,dom", "--typeRoots", path.join(dir, "no-types")];
const nodeArgs = () => [...strictFlags, "--noEmit", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022", "--typeRoots", path.join(packageDir, "node_modules/@types"), "--types", "node,ws"];

// Uses every generated part of the PubSub client the way an app does; compiled, never run.
const pubsubUsage = `
import { PubSubClient, RealtimeConnection, GripCloseError, GripConnectError, type ChannelMessage, type RealtimeCloseName, type ErrorMessage } from "./index.js";

export async function main(getToken: () => Promise<string>): Promise<string[]> {
  const client = new PubSubClient({
    url: "ws://127.0.0.1:7999",
    reconnect: { initialDelayMs: 500, maxDelayMs: 10000, jitter: 0.3 },
    realtime: { query: async ({ attempt }) => ({ token: attempt > 0 ? await getToken() : "", echo: "false" }) },
  });
  const rt: RealtimeConnection = client.realtime;
  const seen: string[] = [];
  rt.on("channelMessage", (m: ChannelMessage) => seen.push(m.clientId.toUpperCase() + m.channel + m.name));
  rt.on("ack", (a) => seen.push(a.action + a.channel));
  rt.on("errorMessage", (e: ErrorMessage) => seen.push(e.code + (e.channel ?? "")));
  rt.on("state", (s) => seen.push(s));
  rt.on("close", (c) => {
    const kind: RealtimeCloseName | undefined = c.error?.kind;
    seen.push(String(c.code) + (kind ?? "") + String(c.willReconnect));
  });
  rt.on("error", (e) => {
    if (e instanceof GripCloseError) seen.push(e.kind + e.code);
    else if (e instanceof GripConnectError) seen.push(e.url);
  });
  await rt.connect();
  rt.subscribe({ channel: "news" });
  rt.unsubscribe({ channel: null });
  rt.publish({ channel: "news", name: "n", data: { any: ["json", 1, true, null] } });
  rt.send("raw text");
  const ack = await rt.waitFor("ack", { filter: (a) => a.channel === "news", timeoutMs: 1000 });
  seen.push(ack.channel);
  client.close();
  return seen;
}
`;

const nodeUsage = `
import WebSocket from "ws";
import { PubSubClient } from "./index.js";
export const client = new PubSubClient({ url: "ws://127.0.0.1:7999", WebSocket, realtime: { query: { token: "t" } } });
`;

const chatUsage = `
import { ChatClient, type Connected, type LobbyCloseName } from "./index.js";

export async function main(): Promise<string[]> {
  const client = new ChatClient({ url: "http://127.0.0.1:5000" });
  const seen: string[] = [];
  client.chat.on("text", (t: string) => seen.push(t));
  client.lobby.on("connected", (c: Connected) => seen.push(c.yourConnectionId + String(c.connected)));
  client.lobby.on("text", (t) => seen.push(t.toUpperCase()));
  client.lobby.on("close", (c) => {
    const kind: LobbyCloseName | undefined = c.error?.kind;
    seen.push(kind ?? "");
  });
  await Promise.all([client.chat.connect(), client.lobby.connect()]);
  client.chat.send("hello");
  client.lobby.send("hi others");
  client.close();
  return seen;
}
`;

// Every project below is compiled in ONE tsc program per configuration (lib.dom.d.ts is parsed once,
// which makes the file ~8x faster on a busy 2-core machine); errors are attributed by directory.
const root = await tempDir("typecheck");
const projects = { browser: [], node: [] };

async function project(name, docText, files, config = "browser") {
  const dir = path.join(root, name);
  await generateInto(dir, { text: docText });
  for (const [file, content] of Object.entries(files)) {
    await writeFile(path.join(dir, file), content);
  }

  projects[config].push(...Object.keys(files).filter((f) => f.endsWith(".ts")).map((f) => path.join(dir, f)));
  return name;
}

const results = {};
async function compileAll() {
  for (const [config, files] of Object.entries(projects)) {
    const args = config === "browser" ? browserArgs(root) : nodeArgs();
    results[config] = await tsc([...args, ...files], root);
  }
}

/** The error lines tsc printed for files of one project. */
function errorsOf(name) {
  return Object.values(results).flatMap((r) => r.output.split("\n")).filter((l) => l.startsWith(`${name}/`) && /error TS/.test(l));
}

const pubsubText = await readFile(documents.pubsub, "utf8");
const chatText = await readFile(documents.chat, "utf8");
await project("pubsub", pubsubText, { "usage.ts": pubsubUsage });
await project("pubsub-node", pubsubText, { "usage.ts": pubsubUsage, "node.ts": nodeUsage, "package.json": '{ "type": "module" }\n' }, "node");
await project("chat", chatText, { "usage.ts": chatUsage });
await project("chat-node", chatText, { "usage.ts": chatUsage, "package.json": '{ "type": "module" }\n' }, "node");
await project("loose", pubsubText, {
  "bad.ts": `import { PubSubClient } from "./index.js";
const rt = new PubSubClient().realtime;
rt.subscribe({ channel: 42 });
rt.on("channelMessage", (m) => m.nonexistent);
rt.on("noSuchEvent", () => {});
`,
});

/** The PubSub document with one change, as the C# side would write it after a change to Messages.cs or RealtimeHandler.cs. */
async function changedDocument(change) {
  const doc = JSON.parse(await readFile(documents.pubsub, "utf8"));
  change(doc);
  return JSON.stringify(doc, null, 2);
}

const stale = `import { PubSubClient } from "./index.js";
const rt = new PubSubClient().realtime;
rt.subscribe({ channel: "news" });
rt.publish({ channel: "news", name: "greeting", data: {} });
rt.on("channelMessage", (m) => m.clientId.toUpperCase());
rt.unsubscribe({ channel: "news" });
`;

const staleCases = [
  {
    name: "ChannelRequest.Channel renamed to Topic ([JsonPropertyName(\"topic\")])",
    change: (doc) => {
      const p = doc.components.schemas.ChannelRequest.properties;
      p.topic = p.channel;
      delete p.channel;
    },
    // Both calls that pass a ChannelRequest (subscribe and unsubscribe) break.
    errors: [/stale\.ts\(3,\d+\): error TS2353: Object literal may only specify known properties, and 'channel' does not exist in type 'ChannelRequest'/, /stale\.ts\(6,\d+\): error TS2353/],
  },
  {
    name: "PublishRequest.Name changed from string? to int",
    change: (doc) => {
      doc.components.schemas.PublishRequest.properties.name = { type: "integer", format: "int32" };
    },
    errors: [/stale\.ts\(4,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/],
  },
  {
    name: "ChannelMessage.ClientId removed",
    change: (doc) => {
      const s = doc.components.schemas.ChannelMessage;
      delete s.properties.clientId;
      s.required = s.required.filter((r) => r !== "clientId");
    },
    errors: [/stale\.ts\(5,\d+\): error TS2339: Property 'clientId' does not exist on type 'ChannelMessage'/],
  },
  {
    name: "the [OnMessage(\"unsubscribe\")] route removed",
    change: (doc) => {
      delete doc.operations["realtime.receive.unsubscribe"];
      delete doc.channels.realtime.messages.unsubscribe;
      delete doc.components.messages["realtime.unsubscribe"];
    },
    errors: [/stale\.ts\(6,\d+\): error TS2551: Property 'unsubscribe' does not exist on type 'RealtimeConnection'/],
  },
];

await project("stale-control", pubsubText, { "stale.ts": stale });
for (const [i, c] of staleCases.entries()) {
  await project(`stale-${i}`, await changedDocument(c.change), { "stale.ts": stale });
}

// Everything is registered: compile before any test runs.
await compileAll();

describe("a C# change makes a stale TypeScript call a compile error", () => {
  test("control: the unchanged document compiles the call", () => assert.deepEqual(errorsOf("stale-control"), []));

  for (const [i, c] of staleCases.entries()) {
    test(c.name, () => {
      const errors = errorsOf(`stale-${i}`);
      assert.notEqual(results.browser.code, 0, "tsc exited 0");
      // Exactly the stale lines fail: the generated client itself still compiles.
      assert.equal(errors.length, c.errors.length, errors.join("\n"));
      c.errors.forEach((e, j) => assert.match(errors[j], e));
    });
  }

  test("tsc on a stale project alone exits non-zero", async () => {
    const { code, output } = await tsc([...browserArgs(root), path.join(root, "stale-2", "stale.ts")], root);
    assert.notEqual(code, 0);
    assert.match(output, /clientId/);
  });
});

describe("tsc --strict compiles the generated clients", () => {
  test("PubSub, browser (lib dom)", () => assert.deepEqual(errorsOf("pubsub"), []));
  test("PubSub, Node (types node, WebSocket from ws)", () => assert.deepEqual(errorsOf("pubsub-node"), []));
  test("Chat, browser (lib dom)", () => assert.deepEqual(errorsOf("chat"), []));
  test("Chat, Node (types node)", () => assert.deepEqual(errorsOf("chat-node"), []));
  test("the Node program has no errors at all (exit code 0)", () => assert.equal(results.node.code, 0, results.node.output));

  test("a call the document does not allow is a compile error (the client is not loosely typed)", () => {
    const errors = errorsOf("loose").join("\n");
    assert.notEqual(results.browser.code, 0);
    assert.match(errors, /bad\.ts\(3,\d+\): error TS2322/);
    assert.match(errors, /bad\.ts\(4,\d+\): error TS2339: Property 'nonexistent'/);
    assert.match(errors, /bad\.ts\(5,\d+\): error TS2345/);
  });
});
