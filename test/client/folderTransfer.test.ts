// Files to and from a registry through the copy routine: pushFiles (files
// as an artifact, layout/fileArtifact.ts) and pullToFolder (a folder of
// files named by their titles, layout/folderStore.ts), against a real CNCF
// distribution registry. What is sent is read from the request log.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DigestValidationError, InvalidInputError, MediaTypes, TITLE_ANNOTATION } from "../../src/client";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { blobDataPath, clientFor, randomBytes, sha256 } from "./helpers";

describe("files as an artifact and back into a folder (distribution)", function () {
  let registry: RunningRegistry;
  let work: string;
  const files: Record<string, Buffer> = {
    "model.bin": randomBytes(5 * 1024 * 1024 + 3),
    "notes.txt": Buffer.from("notes\n"),
    "weights.dat": randomBytes(700_000),
  };
  const paths = (): { path: string }[] => Object.keys(files).map((name) => ({ path: path.join(work, "src", name) }));

  before(async function () {
    registry = await startRegistry();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "folder-transfer-"));
    fs.mkdirSync(path.join(work, "src"));
    for (const [name, bytes] of Object.entries(files)) {
      fs.writeFileSync(path.join(work, "src", name), bytes);
    }
  });

  after(async function () {
    await registry?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("pushes files as an artifact (one monolithic PUT each), then again without sending a byte", async function () {
    const log: string[] = [];
    const client = clientFor(registry, { logRequest: (line) => log.push(line) });
    const pushed = await client.pushFiles("files/app", paths(), { tag: "v1", artifactType: "application/vnd.example+type" });
    const { manifest, content } = await client.getManifest("files/app", "v1");
    assert.equal(sha256(content), pushed.digest);
    assert.equal(manifest.artifactType, "application/vnd.example+type");
    assert.equal(manifest.config?.digest, MediaTypes.OCI_EMPTY_DIGEST);
    assert.deepEqual(
      manifest.layers?.map((l) => l.annotations?.[TITLE_ANNOTATION]),
      Object.keys(files),
    );
    assert.deepEqual(
      manifest.layers?.map((l) => l.digest),
      Object.values(files).map(sha256),
    );
    assert.deepEqual(pushed.layers, manifest.layers);
    assert.equal(
      pushed.uploadedBytes,
      Object.values(files).reduce((sum, b) => sum + b.length, 2),
    );
    assert.equal(log.filter((l) => l.startsWith("PATCH")).length, 0);

    log.length = 0;
    const again = await clientFor(registry, { logRequest: (line) => log.push(line) }).pushFiles("files/app", paths(), { tag: "v2" });
    assert.equal(again.uploadedBytes, 0);
    assert.deepEqual(
      again.blobs.map((b) => b.outcome),
      ["existing", "existing", "existing", "existing"],
    );
    assert.equal(log.filter((l) => l.startsWith("POST")).length, 0);
  });

  it("refuses two files of the same name before sending anything", async function () {
    const log: string[] = [];
    const client = clientFor(registry, { logRequest: (line) => log.push(line) });
    fs.mkdirSync(path.join(work, "other"), { recursive: true });
    fs.writeFileSync(path.join(work, "other", "notes.txt"), "other notes");
    await assert.rejects(
      client.pushFiles("files/dup", [...paths(), { path: path.join(work, "other", "notes.txt") }], { tag: "v1" }),
      (e: unknown) => e instanceof InvalidInputError && e.field === "files",
    );
    assert.deepEqual(log, []);
  });

  it("pulls a fetched manifest into a folder without fetching it again: files named by title, byte for byte", async function () {
    const client = clientFor(registry);
    await client.pushFiles("files/pull", paths(), { tag: "v1" });
    const fetched = await client.getManifest("files/pull", "v1");
    const log: string[] = [];
    const watched = clientFor(registry, { logRequest: (line) => log.push(line) });
    const folder = path.join(work, "pulled");
    const result = await watched.pullToFolder("files/pull", fetched, folder);
    assert.deepEqual(
      log.filter((l) => l.includes("/manifests/")),
      [],
      "the manifest was fetched again",
    );
    assert.equal(log.filter((l) => l.startsWith("GET") && l.includes("/blobs/")).length, 4);
    assert.deepEqual(fs.readdirSync(folder).sort(), ["config.json", "manifest.json", "model.bin", "notes.txt", "weights.dat"]);
    for (const [name, bytes] of Object.entries(files)) {
      assert.ok(fs.readFileSync(path.join(folder, name)).equals(bytes), name);
    }
    assert.ok(fs.readFileSync(path.join(folder, "manifest.json")).equals(Buffer.from(fetched.content)));
    assert.deepEqual(result.files.map((f) => f.name).sort(), fs.readdirSync(folder).sort());
    assert.equal(result.digest, fetched.digest);
  });

  it("leaves no file in the folder when one blob does not match its digest, though the others did", async function () {
    const client = clientFor(registry);
    const pushed = await client.pushFiles("files/tampered", paths(), { tag: "v1" });
    const victim = pushed.layers[2];
    fs.writeFileSync(blobDataPath(registry, victim.digest), randomBytes(victim.size));
    const folder = path.join(work, "tampered");
    await assert.rejects(client.pullToFolder("files/tampered", "v1", folder), DigestValidationError);
    assert.deepEqual(fs.readdirSync(folder), []);
  });

  it("refuses an index: a folder holds one platform's manifest", async function () {
    const client = clientFor(registry);
    const pushed = await client.pushFiles("files/index", paths().slice(1, 2), { tag: "one" });
    const { content } = await client.getManifest("files/index", "one");
    await client.setManifest(
      "files/index",
      {
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_INDEX,
        manifests: [{ mediaType: MediaTypes.OCI_MANIFEST, digest: pushed.digest, size: content.byteLength }],
      },
      { tag: "index" },
    );
    const folder = path.join(work, "index");
    await assert.rejects(
      client.pullToFolder("files/index", "index", folder),
      (e: unknown) => e instanceof InvalidInputError && /index/.test((e as Error).message),
    );
    assert.equal(fs.existsSync(folder) ? fs.readdirSync(folder).length : 0, 0);
  });
});
