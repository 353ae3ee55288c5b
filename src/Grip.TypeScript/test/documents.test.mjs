// The hand-written documents are valid AsyncAPI 3.0 for the AsyncAPI project's own parser, and the
// generator refuses documents that break the spec or the GripHandlers conventions with a clear
// message per problem (and writes nothing: the CLI exits 1).
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { DocumentError, generateClient, validateDocument } from "../lib/generate.js";
import { documents, packageDir, run, tempDir } from "./support.mjs";

const pubsubText = await readFile(documents.pubsub, "utf8");

async function changed(change) {
  const doc = JSON.parse(pubsubText);
  change(doc);
  return JSON.stringify(doc);
}

describe("@asyncapi/parser accepts the documents", () => {
  for (const [name, file] of Object.entries(documents)) {
    test(`${name}: no errors and no warnings`, async () => {
      const { document, errors, warnings } = await validateDocument(await readFile(file, "utf8"));
      assert.deepEqual(errors, []);
      assert.deepEqual(warnings, []);
      assert.ok(document);
      assert.equal(document.version(), "3.0.0");
    });
  }

  test("pubsub: the parser sees the channels, operations and messages of the conventions", async () => {
    const { document } = await validateDocument(pubsubText);
    assert.deepEqual(document.channels().all().map((c) => c.address()), ["/api/realtime", "ps:{channel}"]);
    const actions = Object.fromEntries(document.operations().all().map((o) => [o.id(), o.action()]));
    assert.deepEqual(actions, {
      "realtime.receive.subscribe": "receive",
      "realtime.receive.unsubscribe": "receive",
      "realtime.receive.publish": "receive",
      "realtime.receive.text": "receive",
      "realtime.send": "send",
      "realtime.send.grip.ps.channel": "send",
      "grip.ps.channel.send": "send",
    });
    const realtime = document.channels().get("realtime");
    assert.equal(realtime.extensions().get("x-grip-handler").value().discriminator, "action");
    assert.deepEqual(realtime.messages().all().map((m) => m.name()), ["subscribe", "unsubscribe", "publish", "text", "Ack", "ErrorMessage", "ChannelMessage"]);
  });

  test("the parser's errors are real: an invalid action is refused", async () => {
    const { errors } = await validateDocument(await changed((doc) => (doc.operations["realtime.receive.subscribe"].action = "publish")));
    assert.ok(errors.some((e) => e.startsWith("operations.realtime.receive.subscribe.action:")), errors.join("\n"));
  });

  test("the parser's errors are real: a dangling $ref is refused", async () => {
    const { errors } = await validateDocument(await changed((doc) => (doc.channels.realtime.messages.subscribe.$ref = "#/components/messages/nope")));
    assert.ok(errors.some((e) => /'#\/components\/messages\/nope' does not exist/.test(e)), errors.join("\n"));
  });
});

describe("the generator refuses documents it cannot use", () => {
  const cases = [
    ["not AsyncAPI at all", "{}", /AsyncAPI:/],
    ["the conventions version is missing", (d) => delete d.info["x-grip-conventions"], /x-grip-conventions must be "1"/],
    ["no handler channel", (d) => delete d.channels.realtime["x-grip-handler"], /describes no GripHandlers handler/],
    ["a handler channel whose address is not a path", (d) => (d.channels.realtime.address = "realtime/{x}"), /channels\.realtime\.address must be the handler's path/],
    ["a close code outside the contract", (d) => d.channels.realtime["x-grip-handler"].closeCodes.push({ code: 1000, name: "normal" }), /closeCodes\[2\] needs a code \(1003, 1007, 1011 or 4000-4999\)/],
    ["a message without x-grip-message", (d) => delete d.components.messages.Ack["x-grip-message"], /components\/messages\/Ack\): x-grip-message\.kind must be json, text or binary/],
    ["a route whose payload const disagrees", (d) => (d.components.messages["realtime.subscribe"].payload.allOf[1].properties.action.const = "sub"), /the const is "sub"/],
    ["a route whose payload references another type", (d) => (d.components.messages["realtime.subscribe"].payload.allOf[0].$ref = "#/components/schemas/PublishRequest"), /must reference #\/components\/schemas\/ChannelRequest/],
    ["a message naming a schema that is not there", (d) => (d.components.messages.Ack["x-grip-message"].schema = "Nope"), /names 'Nope', which is not in components\.schemas/],
    ["a route on a handler without a discriminator", (d) => (d.channels.realtime["x-grip-handler"].discriminator = null), /needs x-grip-handler\.discriminator/],
  ];

  for (const [name, change, expected] of cases) {
    test(name, async () => {
      const text = typeof change === "string" ? change : await changed(change);
      await assert.rejects(generateClient(text), (error) => {
        assert.ok(error instanceof DocumentError, String(error));
        assert.match(error.message, expected);
        return true;
      });
    });
  }

  test("the CLI exits 1, names the problem and writes nothing", async () => {
    const dir = await tempDir("cli-bad");
    const bad = path.join(dir, "bad.json");
    await (await import("node:fs/promises")).writeFile(bad, await changed((d) => delete d.info["x-grip-conventions"]));
    const out = path.join(dir, "out");
    const { code, output } = await run(process.execPath, [path.join(packageDir, "bin/grip-client.js"), bad, "-o", out]);
    assert.equal(code, 1, output);
    assert.match(output, /x-grip-conventions/);
    await assert.rejects(readdir(out));
  });

  test("the CLI exits 2 on bad arguments", async () => {
    const { code, output } = await run(process.execPath, [path.join(packageDir, "bin/grip-client.js"), documents.pubsub]);
    assert.equal(code, 2);
    assert.match(output, /usage: grip-client/);
  });
});
