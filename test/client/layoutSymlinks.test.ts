// A pull into a folder that already holds symlinks (issue 11, "The workspace
// folder can redirect writes"): blobs/sha256 pointing elsewhere, a dangling
// oci-layout link, an index.json link to another file, a blob file that is a
// link. The pull refuses (UnsafeLocalPathError naming what it found) and
// writes nothing outside the folder; two pulls into one folder spelled two
// ways keep both index entries. Against a real CNCF distribution registry.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ContainerRegistryClient, UnsafeLocalPathError } from "../../src/client";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { pushImage, type PushedImage } from "../fixtures/seed";
import { clientFor } from "./helpers";

describe("pulling into a folder that holds symlinks", function () {
  let registry: RunningRegistry;
  let client: ContainerRegistryClient;
  let work: string;
  let image: PushedImage;

  before(async function () {
    registry = await startRegistry();
    client = clientFor(registry);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "layout-links-"));
    image = await pushImage(registry, "links/app", "v1", { layers: [Buffer.from("first layer"), Buffer.from("second layer")] });
  });

  after(async function () {
    await registry?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  function fresh(name: string): { layout: string; outside: string } {
    const layout = path.join(work, name, "layout");
    const outside = path.join(work, name, "outside");
    fs.mkdirSync(layout, { recursive: true });
    fs.mkdirSync(outside, { recursive: true });
    return { layout, outside };
  }

  it("refuses a blobs/sha256 that links elsewhere, and writes nothing there", async function () {
    const { layout, outside } = fresh("blobs-link");
    fs.mkdirSync(path.join(layout, "blobs"));
    fs.symlinkSync(outside, path.join(layout, "blobs", "sha256"));
    await assert.rejects(
      client.pullImage("links/app", "v1", layout),
      (e: unknown) =>
        e instanceof UnsafeLocalPathError && e.path === path.join(layout, "blobs", "sha256") && /symbolic link/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(outside), []);
  });

  it("refuses a blobs folder that links elsewhere", async function () {
    const { layout, outside } = fresh("blobs-dir-link");
    fs.symlinkSync(outside, path.join(layout, "blobs"));
    await assert.rejects(
      client.pullImage("links/app", "v1", layout),
      (e: unknown) => e instanceof UnsafeLocalPathError && e.path === path.join(layout, "blobs"),
    );
    assert.deepEqual(fs.readdirSync(outside), []);
  });

  it("refuses a dangling oci-layout link, and does not create its target", async function () {
    const { layout, outside } = fresh("marker-link");
    const target = path.join(outside, "created-through-the-link");
    fs.symlinkSync(target, path.join(layout, "oci-layout"));
    await assert.rejects(
      client.pullImage("links/app", "v1", layout),
      (e: unknown) => e instanceof UnsafeLocalPathError && e.path === path.join(layout, "oci-layout"),
    );
    assert.equal(fs.existsSync(target), false);
  });

  it("refuses an index.json that links to another file, and leaves that file as it was", async function () {
    const { layout, outside } = fresh("index-link");
    const other = path.join(outside, "index-of-something-else.json");
    const otherContent = JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: "x", digest: "sha256:" + "0".repeat(64), size: 1, annotations: { secret: "not for this layout" } }],
    });
    fs.writeFileSync(other, otherContent);
    fs.symlinkSync(other, path.join(layout, "index.json"));
    await assert.rejects(
      client.pullImage("links/app", "v1", layout),
      (e: unknown) => e instanceof UnsafeLocalPathError && e.path === path.join(layout, "index.json"),
    );
    assert.equal(fs.readFileSync(other, "utf8"), otherContent);
    assert.equal(fs.lstatSync(path.join(layout, "index.json")).isSymbolicLink(), true);
  });

  it("does not count a blob file that is a link as a blob the layout has: the real bytes replace the link", async function () {
    const { layout, outside } = fresh("blob-file-link");
    const digest = image.layerDigests[0];
    const decoy = path.join(outside, "decoy");
    fs.writeFileSync(decoy, "x".repeat("first layer".length));
    fs.mkdirSync(path.join(layout, "blobs", "sha256"), { recursive: true });
    fs.symlinkSync(decoy, path.join(layout, "blobs", "sha256", digest.slice(7)));
    const result = await client.pullImage("links/app", "v1", layout);
    assert.equal(result.blobs.find((b) => b.digest === digest)?.outcome, "downloaded");
    const blobFile = path.join(layout, "blobs", "sha256", digest.slice(7));
    assert.equal(fs.lstatSync(blobFile).isSymbolicLink(), false);
    assert.equal(fs.readFileSync(blobFile, "utf8"), "first layer");
    assert.equal(fs.readFileSync(decoy, "utf8"), "x".repeat("first layer".length));
  });

  it("keeps every index entry when pulls into one folder, spelled differently, run at once", async function () {
    const { layout } = fresh("spellings");
    const tags = ["a", "b", "c", "d", "e", "f"];
    for (const tag of tags) {
      await pushImage(registry, "links/app", tag, { layers: [Buffer.from(`layer ${tag}`)] });
    }
    fs.symlinkSync(layout, path.join(work, "spellings", "alias"));
    const relative = path.relative(process.cwd(), layout);
    const spellings = [layout, `${layout}/`, relative, `${relative}/`, path.join(work, "spellings", "alias"), `${layout}/./`];
    await Promise.all(tags.map((tag, i) => client.pullImage("links/app", tag, spellings[i])));
    const index = JSON.parse(fs.readFileSync(path.join(layout, "index.json"), "utf8")) as {
      manifests: { annotations: Record<string, string> }[];
    };
    const names = index.manifests.map((m) => m.annotations["org.opencontainers.image.ref.name"]).sort();
    assert.deepEqual(names, tags);
  });
});
