// The document the C# side serves (app.MapGripAsyncApi() in samples/PubSub, built from the generated
// handler contracts and the JSON context's metadata) is the checked-in docs/asyncapi/pubsub.asyncapi.json
// byte for byte, the AsyncAPI project's parser accepts it with no errors and no warnings, and the
// client generator takes it.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { generateClient, validateDocument } from "../lib/generate.js";
import { documents, startPubSub } from "./support.mjs";

describe("the document samples/PubSub serves", () => {
  let app;
  let served;
  before(async () => {
    app = await startPubSub();
    const response = await fetch(`${app.origin}/asyncapi.json`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    served = await response.text();
  });
  after(async () => await app?.stop());

  test("is docs/asyncapi/pubsub.asyncapi.json, byte for byte", async () => {
    assert.equal(served, await readFile(documents.pubsub, "utf8"));
  });

  test("@asyncapi/parser: no errors and no warnings", async () => {
    const { document, errors, warnings } = await validateDocument(served);
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    assert.equal(document.info().title(), "PubSub");
    assert.deepEqual(document.channels().all().map((c) => c.address()), ["/api/realtime", "ps:{channel}"]);
  });

  test("the client generator takes it", async () => {
    const { files } = await generateClient(served);
    assert.ok(files["client.ts"].includes("subscribe("), "client.ts has the subscribe method");
  });
});
