#!/usr/bin/env node
// grip-client: writes the typed TypeScript client of a GripHandlers app from its AsyncAPI 3.0 document.
//
//   node src/Grip.TypeScript/bin/grip-client.js <asyncapi.json | http(s)://host/asyncapi.json> -o <dir> [--name <App>]
//
// Exit codes: 0 written, 1 the document cannot be used (each problem is printed), 2 bad arguments.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { DocumentError, GENERATOR_VERSION, generateClient, readDocument } from "../lib/generate.js";

const usage = "usage: grip-client <asyncapi.json | URL> -o <output dir> [--name <AppName>]";
let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: "string", short: "o" },
      name: { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
    },
  });
} catch (error) {
  console.error(`grip-client: ${error.message}\n${usage}`);
  process.exit(2);
}

if (args.values.version) {
  console.log(GENERATOR_VERSION);
  process.exit(0);
}

if (args.values.help || args.positionals.length !== 1 || !args.values.out) {
  (args.values.help ? console.log : console.error)(usage);
  process.exit(args.values.help ? 0 : 2);
}

const [source] = args.positionals;
try {
  const text = await readDocument(source);
  const { files, warnings } = await generateClient(text, { name: args.values.name });
  for (const w of warnings) {
    console.error(`grip-client: warning: ${w}`);
  }

  await mkdir(args.values.out, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(args.values.out, name), content);
  }

  console.log(`grip-client: wrote ${Object.keys(files).join(", ")} to ${args.values.out}`);
} catch (error) {
  if (error instanceof DocumentError) {
    console.error(`grip-client: ${source}: ${error.message}`);
    process.exit(1);
  }

  console.error(`grip-client: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
