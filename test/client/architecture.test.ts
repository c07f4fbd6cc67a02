// The borders between the layers (CONTRIBUTING.md, "Layout"): the
// library never imports vscode, the extension reaches the library only
// through src/client/index.ts, and inside the library no folder imports a
// folder above it (LIBRARY_LAYERS, lowest first):
//   base files < content < http < auth < registry, layout < imageFiles < dialect < images < facade

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
const CLIENT = path.join(ROOT, "src/client");

/**
 * The library's layers, lowest first. A file may import files of its own
 * layer entry and of any lower layer; folders sharing a layer (registry/ and
 * layout/: the wire and the disk) may not import each other. Top-level files
 * are named one by one, so a new one has to be placed here.
 */
export const LIBRARY_LAYERS: { layer: string; members: string[] }[] = [
  {
    layer: "base",
    members: [
      "abort.ts",
      "blobGet.ts",
      "blobSink.ts",
      "blobSource.ts",
      "concurrency.ts",
      "descriptorRules.ts",
      "digest.ts",
      "endpoint.ts",
      "errors.ts",
      "foreignOrigin.ts",
      "imageErrors.ts",
      "imageReference.ts",
      "keyedLock.ts",
      "mediaTypes.ts",
      "messageText.ts",
      "models.ts",
      "offThreadHash.ts",
      "paging.ts",
      "platform.ts",
      "redact.ts",
      "reference.ts",
      "registryValues.ts",
      // Ambient types only (WebAssembly.Memory, without the DOM lib).
      "webAssembly.d.ts",
    ],
  },
  // The store interfaces and the copy routine: they know no wire and no disk.
  { layer: "content", members: ["content/"] },
  { layer: "http", members: ["http/"] },
  { layer: "auth", members: ["auth/"] },
  // Stores that implement content/'s interfaces: the wire and the disk.
  { layer: "wire and disk", members: ["registry/", "layout/"] },
  // An image's file system (issue 14): reads through the client's public methods, caches layers on disk.
  { layer: "image files", members: ["imageFiles/"] },
  { layer: "dialect", members: ["dialect/"] },
  // Reading images over the wire: configs, sizes, referrer trees, cached by digest.
  { layer: "images", members: ["images/"] },
  {
    layer: "facade",
    members: [
      "pipeline.ts",
      "probeRegistry.ts",
      "transfers.ts",
      "blobFileDownload.ts",
      "cleanup.ts",
      "copyImage.ts",
      "containerRegistryClient.ts",
      "index.ts",
    ],
  },
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith(".ts") ? [full] : [];
  });
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  // `from "x"` (imports and re-exports), `import "x"` (side effects only), require("x"), import("x").
  return [...text.matchAll(/(?:\bfrom\s+|^\s*import\s+|\brequire\(|\bimport\()\s*["']([^"']+)["']/gm)].map((m) => m[1]);
}

/** Where a library file sits: its layer's rank and its member (a folder, or the top-level file itself). */
export function placeOf(relativePath: string): { rank: number; member: string } | undefined {
  const normalized = relativePath.split(path.sep).join("/");
  for (const [rank, { members }] of LIBRARY_LAYERS.entries()) {
    const member = members.find((m) => (m.endsWith("/") ? normalized.startsWith(m) : normalized === m));
    if (member) {
      return { rank, member };
    }
  }
  return undefined;
}

/** The library file a relative specifier names, relative to src/client (".ts" added), or undefined outside it. */
function resolveInLibrary(fromFile: string, specifier: string): string | undefined {
  const target = path.resolve(path.dirname(fromFile), specifier);
  if (!target.startsWith(CLIENT + path.sep)) {
    return undefined;
  }
  const asFile = `${target}.ts`;
  const asIndex = path.join(target, "index.ts");
  return path.relative(CLIENT, fs.existsSync(asFile) ? asFile : fs.existsSync(asIndex) ? asIndex : asFile);
}

/** Every import that breaks the layer order, as "from -> to (why)". */
export function layeringViolations(files: { file: string; specifiers: string[] }[]): string[] {
  const violations: string[] = [];
  for (const { file, specifiers } of files) {
    const from = path.relative(CLIENT, file);
    const fromPlace = placeOf(from);
    if (!fromPlace) {
      violations.push(`${from} is in no layer (add it to LIBRARY_LAYERS)`);
      continue;
    }
    for (const specifier of specifiers.filter((s) => s.startsWith("."))) {
      const to = resolveInLibrary(file, specifier);
      const toPlace = to === undefined ? undefined : placeOf(to);
      if (to === undefined || !toPlace) {
        continue;
      }
      const fromFolder = fromPlace.member.endsWith("/");
      if (toPlace.rank > fromPlace.rank) {
        violations.push(
          `${from} -> ${to} (${LIBRARY_LAYERS[fromPlace.rank].layer} imports ${LIBRARY_LAYERS[toPlace.rank].layer}, a layer above it)`,
        );
      } else if (toPlace.rank === fromPlace.rank && fromFolder && toPlace.member !== fromPlace.member) {
        violations.push(`${from} -> ${to} (${fromPlace.member} and ${toPlace.member} share a layer and must not import each other)`);
      }
    }
  }
  return violations;
}

describe("layer border", function () {
  it("src/client never imports vscode", function () {
    for (const file of sourceFiles(CLIENT)) {
      assert.ok(!imports(file).includes("vscode"), `${path.relative(ROOT, file)} imports vscode`);
    }
  });

  it("src/extension imports the library only through src/client/index.ts", function () {
    for (const file of sourceFiles(path.join(ROOT, "src/extension"))) {
      for (const specifier of imports(file).filter((s) => s.startsWith("."))) {
        const target = path.resolve(path.dirname(file), specifier);
        if (target.startsWith(CLIENT)) {
          assert.ok(
            target === CLIENT || target === path.join(CLIENT, "index"),
            `${path.relative(ROOT, file)} imports ${specifier}, past src/client/index.ts`,
          );
        }
      }
    }
  });

  it("inside src/client no folder imports a folder above it, and every file has a layer", function () {
    assert.deepEqual(layeringViolations(sourceFiles(CLIENT).map((file) => ({ file, specifiers: imports(file) }))), []);
  });

  it("the layering check bites: an import upwards or sideways, or a file in no layer, is reported", function () {
    const probe = (file: string, ...specifiers: string[]): { file: string; specifiers: string[] } => ({
      file: path.join(CLIENT, file),
      specifiers,
    });
    assert.deepEqual(
      layeringViolations([
        probe("http/probe.ts", "../auth/registryAuthenticator", "./readBody", "../errors"),
        probe("layout/probe.ts", "../registry/blobPaths", "../http/bufferRelease"),
        probe("registry/probe.ts", "../layout/verifiedFile", "../content/copy", "../transfers"),
        probe("content/probe.ts", "../http/registryHttp", "../errors"),
        probe("errors.ts", "./http/registryHttp", "./redact"),
        probe("dialect/probe.ts", "../registry/manifests", "../content/copy", "../containerRegistryClient"),
        probe("stray.ts", "./errors"),
      ]),
      [
        "http/probe.ts -> auth/registryAuthenticator.ts (http imports auth, a layer above it)",
        "layout/probe.ts -> registry/blobPaths.ts (layout/ and registry/ share a layer and must not import each other)",
        "registry/probe.ts -> layout/verifiedFile.ts (registry/ and layout/ share a layer and must not import each other)",
        "registry/probe.ts -> transfers.ts (wire and disk imports facade, a layer above it)",
        "content/probe.ts -> http/registryHttp.ts (content imports http, a layer above it)",
        "errors.ts -> http/registryHttp.ts (base imports http, a layer above it)",
        "dialect/probe.ts -> containerRegistryClient.ts (dialect imports facade, a layer above it)",
        "stray.ts is in no layer (add it to LIBRARY_LAYERS)",
      ],
    );
  });
});
