// The image file system against a real CNCF distribution registry: images
// built here from files on this machine (/usr/share) and crafted layers
// (whiteouts, opaque directories, symlinks, hard links), pushed, then
// listed and read back byte for byte; per-layer views; upToLayer; platforms
// of an index; gzip, zstd, plain tar and Docker media types.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  type ContainerRegistryClient,
  type ImageFilesystem,
  type ImageFilesystemProgress,
  ImagePathError,
  MediaTypes,
  NotAnImageError,
  openImageFilesystem,
  PlatformNotFoundError,
  UnsupportedLayerError,
} from "../../src/client";
import {
  dir,
  file,
  hardlink,
  opaque,
  pushLayeredImage,
  type PushedImage,
  rawTar,
  symlink,
  tarOfFiles,
  whiteout,
} from "../fixtures/layerBuilder";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { clientFor, readAll } from "./helpers";

const SHARE = "/usr/share";

/** Every regular file below `root/rel`, as paths relative to root. */
function filesBelow(root: string, rel: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = path.join(rel, entry.name);
    if (entry.isDirectory()) {
      out.push(...filesBelow(root, child));
    } else if (entry.isFile()) {
      out.push(child);
    }
  }
  return out;
}

describe("image file system (real registry)", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  let client: ContainerRegistryClient;
  let image: PushedImage;
  let cacheRoot: string;
  const opened: ImageFilesystem[] = [];

  async function open(
    reference: string,
    options: Parameters<typeof openImageFilesystem>[3] = {},
    repository = "files/app",
  ): Promise<ImageFilesystem> {
    const filesystem = await openImageFilesystem(client, repository, reference, { cacheDir: path.join(cacheRoot, "cache"), ...options });
    opened.push(filesystem);
    return filesystem;
  }

  before(async function () {
    registry = await startRegistry();
    client = clientFor(registry);
    cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), "image-files-test-"));
    image = await pushLayeredImage(
      client,
      "files/app",
      "v1",
      [
        // 0: real files from this machine.
        { tar: tarOfFiles(SHARE, ["common-licenses"]), createdBy: "COPY common-licenses /common-licenses" },
        // 1: more real files, with the machine's own symlinks.
        { tar: tarOfFiles(SHARE, ["zoneinfo/Europe", "zoneinfo/America/New_York"]), createdBy: "COPY zoneinfo /zoneinfo" },
        // 2: crafted: a base of files to delete, hide and link to.
        {
          tar: rawTar([
            dir("etc"),
            file("etc/passwd", "root:x:0:0:image:/root:/bin/sh\n"),
            file("etc/hostname", "base\n"),
            dir("data"),
            file("data/old-1", "old one\n"),
            file("data/old-2", "old two\n"),
            dir("data/sub"),
            file("data/sub/deep", "deep\n"),
            file("keep", "kept\n", 0o600),
            file("/abs/name", "from an absolute entry name\n"),
            file("./dot/name", "from a ./ entry name\n"),
          ]),
          createdBy: "RUN make base",
        },
        // 3: crafted: whiteouts, an opaque directory, links, a change.
        {
          tar: rawTar([
            whiteout("etc", "hostname"),
            opaque("data"),
            file("data/new", "new\n"),
            file("etc/passwd", "root:x:0:0:changed:/root:/bin/sh\n"),
            symlink("etc/abs-link", "/etc/passwd"),
            symlink("etc/rel-link", "../keep"),
            symlink("etc/escape", "../../../../../../etc/passwd"),
            symlink("etc/dir-link", "/zoneinfo/Europe"),
            symlink("loop-a", "loop-b"),
            symlink("loop-b", "loop-a"),
            hardlink("hard-same", "data/new"),
            hardlink("hard-lower", "common-licenses/MIT-not-there"),
            hardlink("hard-license", "common-licenses/GPL-3"),
          ]),
          createdBy: "RUN edit",
        },
      ],
      { emptyHistoryFirst: true },
    );
  });

  after(async function () {
    for (const filesystem of opened) {
      await filesystem.close();
    }
    await registry?.stop();
    fs.rmSync(cacheRoot, { recursive: true, force: true });
  });

  it("describes the layers with their history step (empty_layer steps skipped)", async function () {
    const filesystem = await open("v1");
    assert.equal(filesystem.digest, image.digest);
    assert.deepEqual(
      filesystem.layers.map((layer) => [layer.index, layer.digest, layer.size, layer.mediaType, layer.diffId, layer.history?.createdBy]),
      image.layers.map((layer, i) => [
        i,
        layer.digest,
        layer.size,
        layer.mediaType,
        layer.diffId,
        ["COPY common-licenses /common-licenses", "COPY zoneinfo /zoneinfo", "RUN make base", "RUN edit"][i],
      ]),
    );
    assert.deepEqual(filesystem.platform, { os: "linux", architecture: "amd64" });
  });

  it("lists the merged root and reads real files byte for byte", async function () {
    const filesystem = await open("v1");
    await filesystem.ready;
    const root = await filesystem.readDirectory("/");
    assert.deepEqual(
      root.map((entry) => [entry.name, entry.type]),
      [
        ["abs", "directory"],
        ["common-licenses", "directory"],
        ["data", "directory"],
        ["dot", "directory"],
        ["etc", "directory"],
        ["hard-license", "hardlink"],
        ["hard-lower", "hardlink"],
        ["hard-same", "hardlink"],
        ["keep", "file"],
        ["loop-a", "symlink"],
        ["loop-b", "symlink"],
        ["zoneinfo", "directory"],
      ],
    );
    const sources = [...filesBelow(SHARE, "common-licenses"), ...filesBelow(SHARE, "zoneinfo/Europe")];
    assert.ok(sources.length > 30, "enough real files to compare");
    for (const rel of sources) {
      const bytes = await filesystem.readFile(`/${rel}`);
      assert.ok(bytes.equals(fs.readFileSync(path.join(SHARE, rel))), `${rel} differs from the machine's file`);
    }
    const licenses = await filesystem.readDirectory("/common-licenses");
    assert.deepEqual(
      licenses.map((entry) => entry.name),
      fs.readdirSync(path.join(SHARE, "common-licenses")).sort(),
    );
    const gpl = licenses.find((entry) => entry.name === "GPL-3")!;
    assert.equal(gpl.size, fs.statSync(path.join(SHARE, "common-licenses/GPL-3")).size);
    assert.equal(gpl.layerIndex, 0);
    assert.equal(gpl.layerDigest, image.layers[0].digest);
    assert.equal(gpl.path, "/common-licenses/GPL-3");
  });

  it("keeps the machine's own symlinks and follows them inside the image", async function () {
    const filesystem = await open("v1");
    const links = filesBelow(SHARE, "zoneinfo/Europe").length;
    assert.ok(links > 0);
    for (const entry of fs.readdirSync(path.join(SHARE, "zoneinfo/Europe"), { withFileTypes: true })) {
      if (!entry.isSymbolicLink()) {
        continue;
      }
      const rel = `zoneinfo/Europe/${entry.name}`;
      const stat = await filesystem.lstat(`/${rel}`);
      assert.equal(stat.type, "symlink");
      assert.equal(stat.linkTarget, fs.readlinkSync(path.join(SHARE, rel)));
    }
  });

  it("applies whiteouts, opaque whiteouts and later layers over earlier ones", async function () {
    const filesystem = await open("v1");
    await assert.rejects(filesystem.stat("/etc/hostname"), (error: unknown) => error instanceof ImagePathError && error.errno === "ENOENT");
    assert.deepEqual(
      (await filesystem.readDirectory("/data")).map((entry) => entry.name),
      ["new"],
    );
    assert.equal((await filesystem.readFile("/etc/passwd")).toString(), "root:x:0:0:changed:/root:/bin/sh\n");
    assert.equal((await filesystem.stat("/etc/passwd")).layerIndex, 3);
    const keep = await filesystem.stat("/keep");
    assert.equal(keep.mode, 0o600);
    assert.equal(keep.layerIndex, 2);
    // A leading / or ./ in an entry name is neutralised to a path below the root.
    assert.equal((await filesystem.readFile("/abs/name")).toString(), "from an absolute entry name\n");
    assert.equal((await filesystem.readFile("/dot/name")).toString(), "from a ./ entry name\n");
  });

  it("resolves symlinks inside the image only, with a hop limit", async function () {
    const filesystem = await open("v1");
    assert.equal((await filesystem.readFile("/etc/abs-link")).toString(), "root:x:0:0:changed:/root:/bin/sh\n");
    assert.equal((await filesystem.readFile("/etc/rel-link")).toString(), "kept\n");
    // ../../.. stops at the image root: the image's /etc/passwd, never the host's.
    assert.equal((await filesystem.readFile("/etc/escape")).toString(), "root:x:0:0:changed:/root:/bin/sh\n");
    assert.equal((await filesystem.stat("/etc/escape")).path, "/etc/passwd");
    const throughLink = await filesystem.readDirectory("/etc/dir-link");
    assert.deepEqual(
      throughLink.map((entry) => entry.name),
      fs.readdirSync(path.join(SHARE, "zoneinfo/Europe")).sort(),
    );
    assert.equal(throughLink[0].path.startsWith("/zoneinfo/Europe/"), true);
    assert.equal((await filesystem.lstat("/etc/abs-link")).linkTarget, "/etc/passwd");
    await assert.rejects(filesystem.readFile("/loop-a"), (error: unknown) => error instanceof ImagePathError && error.errno === "ELOOP");
    await assert.rejects(filesystem.readFile("/no/such"), (error: unknown) => error instanceof ImagePathError && error.errno === "ENOENT");
    await assert.rejects(
      filesystem.readDirectory("/keep"),
      (error: unknown) => error instanceof ImagePathError && error.errno === "ENOTDIR",
    );
    await assert.rejects(filesystem.readFile("/etc"), (error: unknown) => error instanceof ImagePathError && error.errno === "EISDIR");
  });

  it("reads hard links to files of the same and of lower layers", async function () {
    const filesystem = await open("v1");
    assert.equal((await filesystem.readFile("/hard-same")).toString(), "new\n");
    const license = await filesystem.stat("/hard-license");
    assert.equal(license.type, "hardlink");
    assert.equal(license.linkTarget, "/common-licenses/GPL-3");
    assert.ok((await filesystem.readFile("/hard-license")).equals(fs.readFileSync(path.join(SHARE, "common-licenses/GPL-3"))));
    await assert.rejects(
      filesystem.readFile("/hard-lower"),
      (error: unknown) => error instanceof ImagePathError && error.errno === "ENOENT",
    );
  });

  it("refuses a file over maxBytes and streams it instead", async function () {
    const filesystem = await open("v1");
    const gpl = fs.readFileSync(path.join(SHARE, "common-licenses/GPL-3"));
    await assert.rejects(
      filesystem.readFile("/common-licenses/GPL-3", { maxBytes: 1000 }),
      (error: unknown) => error instanceof ImagePathError && error.errno === "EFBIG",
    );
    assert.ok((await readAll(await filesystem.createReadStream("/common-licenses/GPL-3"))).equals(gpl));
  });

  it("shows one layer alone: added, changed and deleted", async function () {
    const filesystem = await open("v1");
    const view = await filesystem.layerView(3);
    const byPath = Object.fromEntries(view.changes.map((change) => [change.path, change.change]));
    assert.equal(byPath["/etc/hostname"], "deleted");
    assert.equal(byPath["/data/old-1"], "deleted");
    assert.equal(byPath["/data/old-2"], "deleted");
    assert.equal(byPath["/data/sub"], "deleted");
    assert.equal(byPath["/data/new"], "added");
    assert.equal(byPath["/etc/passwd"], "changed");
    assert.equal(byPath["/etc/abs-link"], "added");
    const etc = await view.readDirectory("/etc");
    assert.deepEqual(
      etc.map((entry) => [entry.name, entry.change]),
      [
        ["abs-link", "added"],
        ["dir-link", "added"],
        ["escape", "added"],
        ["hostname", "deleted"],
        ["passwd", "changed"],
        ["rel-link", "added"],
      ],
    );
    assert.equal((await view.readFile("/etc/passwd")).toString(), "root:x:0:0:changed:/root:/bin/sh\n");
    assert.ok((await view.readFile("/hard-license")).equals(fs.readFileSync(path.join(SHARE, "common-licenses/GPL-3"))));
    const base = await filesystem.layerView(0);
    assert.ok(base.changes.every((change) => change.change === "added"));
    assert.deepEqual(
      (await base.readDirectory("/")).map((entry) => entry.name),
      ["common-licenses"],
    );
  });

  it("sums the bytes layers still carry for files later layers overwrote or deleted", async function () {
    const filesystem = await open("v1");
    const wasted = await filesystem.wastedSpace();
    assert.deepEqual(
      wasted.files.map((entry) => [entry.path, entry.layerIndex, entry.size, entry.reason]),
      [
        ["/etc/passwd", 2, "root:x:0:0:image:/root:/bin/sh\n".length, "overwritten"],
        ["/data/old-1", 2, 8, "deleted"],
        ["/data/old-2", 2, 8, "deleted"],
        ["/data/sub/deep", 2, 5, "deleted"],
        ["/etc/hostname", 2, 5, "deleted"],
      ],
    );
    assert.equal(
      wasted.totalBytes,
      wasted.files.reduce((sum, entry) => sum + entry.size, 0),
    );
    // After layer 2 nothing is hidden yet.
    const early = await open("v1", { upToLayer: 2 });
    assert.deepEqual((await early.wastedSpace()).files, []);
  });

  it("upToLayer shows the file system after that layer and fetches no later layer", async function () {
    const lines: string[] = [];
    const logged = clientFor(registry, { logRequest: (line) => lines.push(line) });
    const filesystem = await openImageFilesystem(logged, "files/app", "v1", { upToLayer: 2, cacheDir: path.join(cacheRoot, "upto") });
    opened.push(filesystem);
    await filesystem.ready;
    assert.equal((await filesystem.readFile("/etc/hostname")).toString(), "base\n");
    assert.deepEqual(
      (await filesystem.readDirectory("/data")).map((entry) => entry.name),
      ["old-1", "old-2", "sub"],
    );
    await assert.rejects(filesystem.stat("/etc/abs-link"), ImagePathError);
    assert.ok(!lines.some((line) => line.includes(image.layers[3].digest)), "layer 3 was not requested");
    await assert.rejects(openImageFilesystem(client, "files/app", "v1", { upToLayer: 4 }), /upToLayer/);
  });

  it("lists the first layers while later ones are still arriving", async function () {
    const events: ImageFilesystemProgress[] = [];
    let partialRoot: string[] | undefined;
    let lastLayerIndexedBefore = false;
    const filesystem = await openImageFilesystem(client, "files/app", "v1", {
      cacheDir: path.join(cacheRoot, "partial"),
      concurrency: 1,
      onProgress: (event) => {
        events.push(event);
        if (event.phase === "merged" && event.layerIndex === 0) {
          lastLayerIndexedBefore = events.some((seen) => seen.layerIndex === 3 && seen.phase === "indexed");
          void filesystem.readDirectory("/", { partial: true }).then((entries) => (partialRoot = entries.map((entry) => entry.name)));
        }
      },
    });
    opened.push(filesystem);
    await filesystem.ready;
    assert.equal(lastLayerIndexedBefore, false);
    assert.deepEqual(partialRoot, ["common-licenses"]);
    assert.ok(events.some((event) => event.phase === "downloading" && event.layerIndex === 1 && event.transferredBytes > 0));
    assert.deepEqual(
      events.filter((event) => event.phase === "merged").map((event) => event.mergedLayers),
      [1, 2, 3, 4],
    );
  });

  it("reads plain tar, tar+zstd and Docker tar.gzip layers", async function () {
    const pushed = await pushLayeredImage(
      client,
      "files/kinds",
      "v1",
      [
        { tar: rawTar([file("plain.txt", "plain tar\n")]), compression: "none" },
        { tar: tarOfFiles(SHARE, ["common-licenses"]), compression: "zstd" },
        {
          tar: rawTar([file("docker.txt", "docker gzip\n")]),
          compression: "gzip",
          mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        },
      ],
      { docker: true },
    );
    const filesystem = await open("v1", {}, "files/kinds");
    assert.equal(filesystem.layers[1].mediaType, "application/vnd.oci.image.layer.v1.tar+zstd");
    assert.equal(filesystem.digest, pushed.digest);
    assert.equal((await filesystem.readFile("/plain.txt")).toString(), "plain tar\n");
    assert.equal((await filesystem.readFile("/docker.txt")).toString(), "docker gzip\n");
    for (const rel of filesBelow(SHARE, "common-licenses")) {
      assert.ok((await filesystem.readFile(`/${rel}`)).equals(fs.readFileSync(path.join(SHARE, rel))), rel);
    }
  });

  describe("an image index", function () {
    before(async function () {
      const amd = await pushLayeredImage(client, "files/multi", "amd64", [{ tar: rawTar([file("arch", "amd64\n")]) }]);
      const arm = await pushLayeredImage(client, "files/multi", "arm64", [{ tar: rawTar([file("arch", "arm64\n")]) }], {
        architecture: "arm64",
      });
      const manifestSize = async (digest: string): Promise<number> => (await client.getManifest("files/multi", digest)).content.length;
      await client.setManifest(
        "files/multi",
        {
          schemaVersion: 2,
          mediaType: MediaTypes.OCI_INDEX,
          manifests: [
            {
              mediaType: MediaTypes.OCI_MANIFEST,
              digest: amd.digest,
              size: await manifestSize(amd.digest),
              platform: { os: "linux", architecture: "amd64" },
            },
            {
              mediaType: MediaTypes.OCI_MANIFEST,
              digest: arm.digest,
              size: await manifestSize(arm.digest),
              platform: { os: "linux", architecture: "arm64", variant: "v8" },
            },
            {
              mediaType: MediaTypes.OCI_MANIFEST,
              digest: amd.digest,
              size: await manifestSize(amd.digest),
              platform: { os: "unknown", architecture: "unknown" },
            },
          ],
        },
        { tag: "multi", mediaType: MediaTypes.OCI_INDEX },
      );
    });

    it("needs a platform, and the error lists them", async function () {
      await assert.rejects(open("multi", {}, "files/multi"), (error: unknown) => {
        assert.ok(error instanceof PlatformNotFoundError);
        assert.deepEqual(error.availablePlatforms, ["linux/amd64", "linux/arm64/v8"]);
        assert.match(error.message, /linux\/amd64, linux\/arm64\/v8/);
        return true;
      });
      await assert.rejects(
        open("multi", { platform: "linux/s390x" }, "files/multi"),
        (error: unknown) => error instanceof PlatformNotFoundError && error.requested === "linux/s390x",
      );
      await assert.rejects(open("multi", { platform: "linux" }, "files/multi"), /Invalid platform/);
    });

    it("opens the platform asked for", async function () {
      const arm = await open("multi", { platform: "linux/arm64" }, "files/multi");
      assert.equal((await arm.readFile("/arch")).toString(), "arm64\n");
      assert.deepEqual(arm.platform, { os: "linux", architecture: "arm64", variant: "v8" });
      assert.ok(arm.indexDigest?.startsWith("sha256:"));
      const amd = await open("multi", { platform: { os: "linux", architecture: "amd64" } }, "files/multi");
      assert.equal((await amd.readFile("/arch")).toString(), "amd64\n");
    });
  });

  it("refuses what is not an image, and layers it cannot read, before fetching layers", async function () {
    const empty = Buffer.from("{}");
    const { digest: emptyDigest } = await client.uploadBlob("files/artifact", empty);
    await client.setManifest(
      "files/artifact",
      {
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_MANIFEST,
        artifactType: "application/x-notes",
        config: { mediaType: MediaTypes.OCI_EMPTY, digest: emptyDigest, size: 2 },
        layers: [],
      },
      { tag: "notes" },
    );
    await assert.rejects(open("notes", {}, "files/artifact"), NotAnImageError);
    await pushLayeredImage(client, "files/odd", "v1", [
      { tar: rawTar([file("x", "x")]), compression: "gzip", mediaType: "application/vnd.oci.image.layer.v1.tar+encrypted" },
    ]);
    await assert.rejects(
      open("v1", {}, "files/odd"),
      (error: unknown) => error instanceof UnsupportedLayerError && error.mediaType === "application/vnd.oci.image.layer.v1.tar+encrypted",
    );
  });
});
