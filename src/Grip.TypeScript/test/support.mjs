// Shared test plumbing: generate and compile clients, start the PubSub sample and a real Pushpin on
// free loopback ports, and stop exactly the processes started here.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateClient } from "../lib/generate.js";

export const packageDir = fileURLToPath(new URL("..", import.meta.url));
export const repoRoot = path.resolve(packageDir, "../..");
export const documents = {
  pubsub: path.join(repoRoot, "docs/asyncapi/pubsub.asyncapi.json"),
  chat: path.join(repoRoot, "docs/asyncapi/chat.asyncapi.json"),
};
const tscBin = path.join(packageDir, "node_modules/typescript/bin/tsc");

/** A fresh temp dir under the OS temp dir. */
export async function tempDir(prefix) {
  return await mkdtemp(path.join(os.tmpdir(), `grip-ts-${prefix}-`));
}

/** Generates the client of a document (path or text) into `dir`. */
export async function generateInto(dir, { path: docPath, text }) {
  const source = text ?? (await readFile(docPath, "utf8"));
  const { files } = await generateClient(source);
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(dir, name), content);
  }

  return files;
}

/** Runs a command and collects its output. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** `tsc` with the given arguments. */
export function tsc(args, cwd = packageDir) {
  return run(process.execPath, [tscBin, ...args], { cwd });
}

/** The strictest flags we promise the generated code compiles under. */
export const strictFlags = [
  "--strict",
  "--noUnusedLocals",
  "--noUnusedParameters",
  "--exactOptionalPropertyTypes",
  "--noImplicitOverride",
  "--noImplicitReturns",
  "--noFallthroughCasesInSwitch",
  "--noPropertyAccessFromIndexSignature",
  "--noUncheckedIndexedAccess",
  "--forceConsistentCasingInFileNames",
];

/** Compiles a generated client to ES modules Node and browsers can import; returns the JS dir. */
export async function compileClient(dir) {
  const out = path.join(dir, "js");
  const { code, output } = await tsc([...strictFlags, "--target", "es2022", "--module", "es2022", "--moduleResolution", "bundler", "--lib", "es2022,dom", "--typeRoots", path.join(dir, "no-types"), "--outDir", out, path.join(dir, "index.ts")]);
  if (code !== 0) {
    throw new Error(`tsc failed (${code}):\n${output}`);
  }

  await writeFile(path.join(out, "package.json"), '{ "type": "module" }\n');
  return out;
}

/** Generates and compiles a document's client and imports it. */
export async function importClient(name) {
  const dir = await tempDir(name);
  await generateInto(dir, { path: documents[name] });
  const js = await compileClient(dir);
  return { dir, js, module: await import(pathToFileURL(path.join(js, "index.js")).href) };
}

/** A loopback port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const delay = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = error;
    }

    await delay(100);
  }

  throw new Error(`${what} was not ready after ${timeoutMs} ms${last ? `: ${last.message}` : ""}`);
}

function tcpOpen(port) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A child process we started, with its output kept for failure messages; `stop()` ends only it. */
class Child {
  constructor(name, child) {
    this.name = name;
    this.child = child;
    this.log = "";
    this.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    child.stdout.on("data", (d) => (this.log += d));
    child.stderr.on("data", (d) => (this.log += d));
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop() {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.running && this.child.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  tail(chars = 4000) {
    return this.log.length <= chars ? this.log : "…" + this.log.slice(-chars);
  }
}

/** The built PubSub sample: GRIP_PUBSUB_DLL, else samples/PubSub's Release build (built here once if missing). */
async function pubSubDll() {
  if (process.env.GRIP_PUBSUB_DLL) return process.env.GRIP_PUBSUB_DLL;
  const dll = path.join(repoRoot, "samples/PubSub/bin/Release/net10.0/PubSub.dll");
  try {
    await readFile(dll);
  } catch {
    const { code, output } = await run("dotnet", ["build", path.join(repoRoot, "samples/PubSub"), "-c", "Release", "-nologo", "-v", "q"]);
    if (code !== 0) throw new Error(`dotnet build samples/PubSub failed:\n${output}`);
  }

  return dll;
}

/**
 * Starts samples/PubSub on `port` (a free one by default). Without `gripUrl` it runs in Development with
 * the built-in development proxy; with one, it publishes through that proxy and verifies its Grip-Sig.
 */
export async function startPubSub({ port, gripUrl, tokenKey } = {}) {
  port ??= await freePort();
  const env = { ...process.env, ASPNETCORE_ENVIRONMENT: "Development", DOTNET_NOLOGO: "1", Logging__LogLevel__Default: "Warning" };
  if (gripUrl) env.GRIP_URL = gripUrl;
  else delete env.GRIP_URL;
  if (tokenKey) env.PubSub__TokenKey = tokenKey;
  const dll = await pubSubDll();
  const child = new Child("PubSub", spawn("dotnet", [dll, "--urls", `http://127.0.0.1:${port}`], { cwd: path.dirname(dll), env, stdio: ["ignore", "pipe", "pipe"] }));
  const origin = `http://127.0.0.1:${port}`;
  try {
    await until("PubSub", 60000, async () => {
      if (!child.running) throw new Error(`exited:\n${child.tail()}`);
      // Each probe gives up after 5 s, so one request that hangs is retried (and reported) instead of
      // using up the whole start-up time.
      const response = await fetch(`${origin}/api/token?clientId=probe`, { signal: AbortSignal.timeout(5000) });
      return response.ok;
    });
  } catch (error) {
    await child.stop();
    // What the app wrote: the reason it did not come up.
    throw new Error(`${error.message}\nPubSub output:\n${child.tail()}`);
  }

  return { port, origin, process: child, stop: () => child.stop() };
}

/** Starts a real Pushpin 1.36 on free loopback ports, routing everything to `originPort` (config as tests/Shared/PushpinProcess.cs). */
export async function startPushpin({ originPort, httpPort, publishPort, sigKey } = {}) {
  const dir = await tempDir("pushpin");
  httpPort ??= await freePort();
  publishPort ??= await freePort();
  const sigIss = "pushpin-ts-test";
  sigKey ??= "k" + Math.random().toString(16).slice(2) + Math.random().toString(16).slice(2);
  const prefix = `p${path.basename(dir).slice(-6)}-`;
  const config = `[global]
include=/usr/lib/pushpin/internal.conf
rundir=${dir}/run
ipc_prefix=${prefix}
port_offset=0

[runner]
services=condure,zurl,pushpin-proxy,pushpin-handler
http_port=127.0.0.1:${httpPort}
logdir=${dir}/log
log_level=2
condure_bin=condure
zurl_bin=zurl

[proxy]
routesfile=routes
sig_iss=${sigIss}
sig_key=${sigKey}
updates_check=off
zurl_out_specs=ipc://{rundir}/{ipc_prefix}zurl-in
zurl_out_stream_specs=ipc://{rundir}/{ipc_prefix}zurl-in-stream
zurl_in_specs=ipc://{rundir}/{ipc_prefix}zurl-out

[handler]
push_in_spec=ipc://{rundir}/{ipc_prefix}push-in
push_in_sub_specs=ipc://{rundir}/{ipc_prefix}push-in-sub
push_in_http_addr=127.0.0.1
push_in_http_port=${publishPort}
stats_spec=ipc://{rundir}/{ipc_prefix}stats
command_spec=ipc://{rundir}/{ipc_prefix}command
`;
  await mkdir(path.join(dir, "run"), { recursive: true });
  await mkdir(path.join(dir, "log"), { recursive: true });
  await writeFile(path.join(dir, "pushpin.conf"), config);
  await writeFile(path.join(dir, "routes"), `* 127.0.0.1:${originPort},over_http\n`);
  const child = new Child("pushpin", spawn("pushpin", ["--config", path.join(dir, "pushpin.conf"), "--merge-output"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }));
  const stop = async () => {
    await child.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await until("pushpin", 20000, async () => {
      if (!child.running) throw new Error(`exited:\n${child.tail()}`);
      const started = ["[proxy] started", "[handler] started", "[zurl] started", "[condure] started"].every((s) => child.log.includes(s));
      if (!started) return false;
      const api = await fetch(`http://127.0.0.1:${publishPort}/`).then((r) => r.text());
      return api.startsWith("Pushpin API") && (await tcpOpen(httpPort));
    });
    // The services report "started" a moment before their internal links are all connected (PushpinProcess.cs).
    await delay(1000);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    httpPort,
    publishPort,
    wsBase: `ws://127.0.0.1:${httpPort}`,
    httpBase: `http://127.0.0.1:${httpPort}`,
    sigKey,
    gripUrl: `http://127.0.0.1:${publishPort}/?iss=${encodeURIComponent(sigIss)}&key=${encodeURIComponent(sigKey)}`,
    process: child,
    stop,
  };
}

/** Whether a command is on PATH. */
export async function hasCommand(name) {
  const { code } = await run("sh", ["-c", `command -v ${name}`]);
  return code === 0;
}

/** Collects every value of an event into an array (for assertions). */
export function record(channel, event) {
  const values = [];
  channel.on(event, (v) => values.push(v));
  return values;
}
