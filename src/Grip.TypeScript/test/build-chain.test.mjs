// The whole chain, as a developer meets it: a C# message type changes, `dotnet build` (with the
// GripAsyncApiDocument property of the Grip.Hosting build assets) writes the app's AsyncAPI document,
// grip-client regenerates the client from it, and a TypeScript call written against the old type no
// longer compiles under tsc --strict, naming the property. The same TypeScript compiles against the
// unchanged app's build. Also checked: the unchanged build writes docs/asyncapi/pubsub.asyncapi.json
// byte for byte, a build with nothing changed does not run the app again, and an app that maps no
// document fails the build with the fix in the message.
//
// It builds a copy of samples/PubSub under artifacts/ (inside the repository, so its .editorconfig,
// Directory.Packages.props and global.json apply) against the repository's already built Grip
// projects (BuildProjectReferences=false): three builds of one small project, about a minute.
import assert from "node:assert/strict";
import { cp, mkdir, readFile, rm, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { documents, generateInto, repoRoot, run, strictFlags, tsc } from "./support.mjs";

// The configuration the repository's projects were built in (the wrapper passes the sample's build).
const configuration = process.env.GRIP_PUBSUB_DLL ? path.basename(path.dirname(path.dirname(process.env.GRIP_PUBSUB_DLL))) : "Release";
const root = path.join(repoRoot, "artifacts", "build-chain", `${process.pid}-${Date.now().toString(36)}`);
const project = path.join(root, "PubSub");
const docPath = path.join(root, "out", "pubsub.asyncapi.json");

/** dotnet build of the copy; the document goes to `docPath`. */
function build(...extra) {
  return run("dotnet", [
    "build", path.join(project, "PubSub.csproj"), "-c", configuration, "--nologo", "-v", "minimal",
    "-nodeReuse:false", "-p:UseSharedCompilation=false", "-p:BuildProjectReferences=false", "-p:RestoreRecursive=false",
    `-p:GripAsyncApiDocument=${docPath}`, ...extra,
  ], { cwd: root, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_NOLOGO: "1", MSBUILDDISABLENODEREUSE: "1" } });
}

// Written against the PubSub client as generated from the unchanged sample.
const usage = `import { PubSubClient, type ChannelMessage } from "./index.js";
const rt = new PubSubClient({ url: "ws://127.0.0.1:1" }).realtime;
rt.on("channelMessage", (m: ChannelMessage) => console.log(m.channel, m.clientId.toUpperCase()));
rt.publish({ channel: "news", name: "greeting", data: {} });
`;

/** Generates the client of `documentText` into `dir` with usage.ts beside it and compiles it (browser settings). */
async function compileUsage(dir, documentText) {
  await generateInto(dir, { text: documentText });
  await writeFile(path.join(dir, "usage.ts"), usage);
  return tsc([...strictFlags, "--noEmit", "--target", "es2022", "--module", "es2022", "--moduleResolution", "bundler", "--lib", "es2022,dom", "--typeRoots", path.join(dir, "no-types"), path.join(dir, "usage.ts")], dir);
}

before(async () => {
  await mkdir(root, { recursive: true });
  // The sample's own build rules, imported by absolute path from the copy's folder.
  await writeFile(path.join(root, "Directory.Build.props"), `<Project>\n  <Import Project="${path.join(repoRoot, "samples/Directory.Build.props")}" />\n</Project>\n`);
  await writeFile(path.join(root, "Directory.Build.targets"), `<Project>\n  <Import Project="${path.join(repoRoot, "samples/Directory.Build.targets")}" />\n</Project>\n`);
  await cp(path.join(repoRoot, "samples/PubSub"), project, { recursive: true, filter: (src) => !/[/\\](bin|obj)$/.test(src) });
});

after(async () => {
  await rm(root, { recursive: true, force: true });
  await rmdir(path.dirname(root)).catch(() => {}); // artifacts/build-chain, unless another run is using it
});

describe("C# message type -> dotnet build -> AsyncAPI document -> generated client -> tsc", () => {
  let original;

  test("the unchanged sample's build writes the checked-in document byte for byte, and the TypeScript compiles against it", async () => {
    const { code, output } = await build();
    assert.equal(code, 0, output);
    original = await readFile(docPath);
    assert.ok(original.equals(await readFile(documents.pubsub)), "the build's document differs from docs/asyncapi/pubsub.asyncapi.json");
    const result = await compileUsage(path.join(root, "ts-original"), original.toString("utf8"));
    assert.equal(result.code, 0, result.output);
  });

  test("a build with nothing changed does not run the app again (the target is incremental)", async () => {
    const before = (await stat(docPath)).mtimeMs;
    const { code, output } = await build();
    assert.equal(code, 0, output);
    assert.equal((await stat(docPath)).mtimeMs, before, "the document was rewritten:\n" + output);
  });

  test("renaming ChannelMessage.ClientId to PublisherId in C# makes the old TypeScript call a compile error naming clientId", async () => {
    assert.ok(original, "needs the first build");
    const messages = path.join(project, "Messages.cs");
    const source = await readFile(messages, "utf8");
    const changed = source.replace('<param name="ClientId">', '<param name="PublisherId">').replace("    string ClientId);", "    string PublisherId);");
    assert.notEqual(changed, source, "Messages.cs no longer has the expected ChannelMessage record");
    await writeFile(messages, changed);

    const { code, output } = await build();
    assert.equal(code, 0, output);
    const rebuilt = await readFile(docPath, "utf8");
    assert.match(rebuilt, /"publisherId"/);
    assert.doesNotMatch(rebuilt, /"clientId"/);

    const result = await compileUsage(path.join(root, "ts-changed"), rebuilt);
    assert.notEqual(result.code, 0, "tsc accepted the stale call:\n" + result.output);
    const errors = result.output.split("\n").filter((l) => /error TS/.test(l));
    assert.equal(errors.length, 1, result.output);
    assert.match(errors[0], /usage\.ts\(3,\d+\): error TS2339: Property 'clientId' does not exist on type 'ChannelMessage'/);
  });

  test("an app that maps no AsyncAPI document fails the build with the fix in the message", async () => {
    const program = path.join(project, "Program.cs");
    const source = await readFile(program, "utf8");
    assert.match(source, /^app\.MapGripAsyncApi\(\);$/m);
    await writeFile(program, source.replace(/^app\.MapGripAsyncApi\(\);$/m, ""));

    const { code, output } = await build();
    assert.notEqual(code, 0, output);
    // One error, in MSBuild's format, carrying the app's explanation.
    const errors = output.split("\n").filter((l) => / error :/.test(l));
    assert.ok(errors.length >= 1, output);
    assert.ok(errors.every((l) => l === errors[0]), "more than one distinct error:\n" + errors.join("\n"));
    assert.match(errors[0], /Grip\.Hosting\.targets\(\d+,\d+\): error : PubSub could not write its AsyncAPI document \(GripAsyncApiDocument\): GRIP_ASYNCAPI_OUTPUT is set, but the app maps no AsyncAPI document: call app\.MapGripAsyncApi\(\) after the app\.MapGripHandler<T>\(path\) calls in Program\.cs \(docs\/asyncapi\.md\)\. \[.*PubSub\.csproj\]$/);
  });

  test("an app that fails at start-up fails the build with its exit code, environment and output", async () => {
    // In Production samples/PubSub refuses to start without PubSub:TokenKey (an unhandled exception).
    const { code, output } = await build("-p:GripAsyncApiEnvironment=Production");
    assert.notEqual(code, 0, output);
    assert.match(output, /error : PubSub exited with code \d+ before writing its AsyncAPI document to .*pubsub\.asyncapi\.json \(GripAsyncApiDocument; it started in the Production environment, GripAsyncApiEnvironment\)\. Its output: .*Set PubSub:TokenKey/);
  });

  test("an app that takes longer than GripAsyncApiTimeout is stopped and fails the build", async () => {
    const { code, output } = await build("-p:GripAsyncApiTimeout=1");
    assert.notEqual(code, 0, output);
    assert.match(output, /error : PubSub did not write its AsyncAPI document within 1 ms \(GripAsyncApiDocument\): does Program\.cs call builder\.Services\.AddGrip/);
  });
});
