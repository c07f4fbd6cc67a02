// The image rows of the registries tree (issue 14): Files and Layers under a
// single-platform image and under each platform of an index, in a real
// VS Code against a real registry (through a recording proxy, to see what
// drawing and expanding the rows fetched). Files expands to the merged file
// system, folders first; a file row opens its cre-image: URI in the editor
// (checked against the source bytes, from files on this machine); Layers
// lists each layer with its size and build step, and a layer expands to what
// it alone added, changed and deleted, marked by the registered
// FileDecorationProvider. A hostile or unsupported image is one error row
// with Retry; a cancel leaves a retry row and no partial cache entry.

import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import { ContainerRegistryClient, MediaTypes } from "../../../src/client";
import { formatBytes } from "../../../src/extension/format";
import type { TreeNode } from "../../../src/extension/tree/treeNode";
import { type FaultProxy, startFaultProxy } from "../../fixtures/faultProxy";
import { dir, file, opaque, type PushedImage, pushLayeredImage, rawTar, symlink, whiteout } from "../../fixtures/layerBuilder";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { child, children, command, disconnectAll, getApi, item, label, labels, manifestWithTag } from "./extensionTestHelpers";

/** Real files of this machine, as the first layer's content. */
const LICENSES = "/usr/share/common-licenses";
const LICENSE_FILES = ["Apache-2.0", "BSD", "MIT"].filter((name) => fs.existsSync(path.join(LICENSES, name)));

/** Runs a row's command as a click does. */
async function click(command: vscode.Command | undefined): Promise<void> {
  assert.ok(command, "the row has a command");
  await vscode.commands.executeCommand(command.command, ...((command.arguments ?? []) as unknown[]));
}

async function until<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("image files in the tree: Files and Layers under an image", function () {
  this.timeout(180_000);
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let registryHost: string;
  let app: PushedImage;
  let amd: PushedImage;
  const script = "#!/usr/bin/env python3\nprint('tree')\n";

  before(async () => {
    assert.ok(LICENSE_FILES.length >= 2, `no license texts in ${LICENSES}`);
    registry = await startRegistry({ auth: "anonymous" });
    const client = new ContainerRegistryClient(registry.url);
    app = await pushLayeredImage(client, "tree/app", "v1", [
      {
        tar: rawTar([
          dir("common-licenses"),
          ...LICENSE_FILES.map((name) => file(`common-licenses/${name}`, fs.readFileSync(path.join(LICENSES, name)))),
          dir("app"),
          file("app/run.py", script),
          dir("etc"),
          file("etc/os-release", 'NAME="Tree Linux"\n'),
          file("etc/gone", "old bytes"),
          dir("var/cache"),
          file("var/cache/stale", "cached"),
        ]),
        createdBy: "COPY . /",
      },
      {
        tar: rawTar([
          whiteout("etc", "gone"),
          file("etc/os-release", 'NAME="Tree Linux 2"\n'),
          file("app/new.txt", "added\n"),
          opaque("var/cache"),
          symlink("etc/release", "/etc/os-release"),
        ]),
        createdBy: "RUN apt-get update && rm /etc/gone",
      },
    ]);
    // An index of two platforms: each platform row gets its own Files and Layers.
    amd = await pushLayeredImage(client, "tree/multi", "amd", [{ tar: rawTar([file("arch.txt", "amd64\n")]) }]);
    const arm = await pushLayeredImage(client, "tree/multi", "arm", [{ tar: rawTar([file("arch.txt", "arm64\n")]) }], {
      architecture: "arm64",
    });
    const platformManifest = async (pushed: PushedImage): Promise<{ size: number }> =>
      client.getManifest("tree/multi", pushed.digest).then((m) => ({ size: m.content.length }));
    await client.setManifest(
      "tree/multi",
      {
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_INDEX,
        manifests: [
          {
            mediaType: MediaTypes.OCI_MANIFEST,
            digest: amd.digest,
            ...(await platformManifest(amd)),
            platform: { os: "linux", architecture: "amd64" },
          },
          {
            mediaType: MediaTypes.OCI_MANIFEST,
            digest: arm.digest,
            ...(await platformManifest(arm)),
            platform: { os: "linux", architecture: "arm64" },
          },
        ],
      },
      { tag: "latest", mediaType: MediaTypes.OCI_INDEX },
    );
    await pushLayeredImage(client, "tree/hostile", "v1", [{ tar: rawTar([dir("etc"), file("../../../../escaped-by-tree", "escaped\n")]) }]);
    await pushLayeredImage(client, "tree/odd", "v1", [
      { tar: rawTar([file("a.txt", "a")]), mediaType: "application/vnd.example.layer.v1+lz4" },
    ]);
    await pushLayeredImage(client, "tree/big", "v1", [
      { tar: rawTar([file("big.bin", crypto.randomBytes(48 * 1024 * 1024))]), compression: "none" },
    ]);
    // A folder wider than the tree shows: 2,000 rows, then one note with the count left.
    await pushLayeredImage(client, "tree/wide", "v1", [
      {
        tar: rawTar([
          dir("many"),
          dir("many/sub"),
          ...Array.from({ length: 2004 }, (_, i) => file(`many/f${String(i).padStart(4, "0")}`, String(i))),
        ]),
      },
    ]);
    proxy = await startFaultProxy(registry.url);
    await command("connect", { endpoint: proxy.url, anonymous: true });
    registryHost = proxy.host;
  });

  after(async () => {
    const api = await getApi();
    api.treeImageFilesOptions.cancellationToken = undefined;
    api.treeImageFilesOptions.onProgress = undefined;
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    await disconnectAll(api);
    await proxy?.close();
    await registry?.stop();
  });

  async function imageRow(repository: string, tag: string): Promise<TreeNode> {
    const api = await getApi();
    return manifestWithTag(api, await child(api, await child(api, undefined, registryHost), repository), tag);
  }

  const blobGets = (): string[] => proxy.requests.filter((r) => r.method === "GET" && r.path.includes("/blobs/")).map((r) => r.path);

  it("shows Files and Layers (N) first under an image, fetching no blob to draw them", async () => {
    const api = await getApi();
    const manifest = await imageRow("tree/app", "v1");
    assert.strictEqual(item(api, manifest).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    // The manifest row's own reads first (its created date comes from the config where the registry has no times).
    await (manifest as unknown as { settled(): Promise<void> }).settled();
    proxy.requests.splice(0);
    const rows = await children(api, manifest);
    assert.deepStrictEqual(
      rows.map((r) => item(api, r).id),
      [`${item(api, manifest).id}/files`, `${item(api, manifest).id}/layers`, `${item(api, manifest).id}/tag:v1`],
    );
    const [files, layers] = rows;
    assert.strictEqual(label(api, files), "Files");
    assert.strictEqual(item(api, files).contextValue, "imageFiles");
    assert.strictEqual(item(api, files).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.match(item(api, files).accessibilityInformation?.label ?? "", /^Files of the image sha256:/);
    // The count comes from the manifest, read after the row is drawn.
    await until(
      "the layer count",
      () => label(api, layers),
      (text) => text === "Layers (2)",
    );
    assert.match(item(api, layers).accessibilityInformation?.label ?? "", /^Layers \(2\) of the image/);
    assert.deepStrictEqual(blobGets(), [], "drawing Files and Layers fetched no blob (no config, no layer)");
  });

  it("lists each layer with its size and the build step that made it, reading the config only", async () => {
    const api = await getApi();
    const layers = (await children(api, await imageRow("tree/app", "v1")))[1];
    proxy.requests.splice(0);
    const rows = await children(api, layers);
    assert.deepStrictEqual(
      rows.map((r) => [label(api, r), item(api, r).description]),
      [
        ["Layer 1", `${formatBytes(app.layers[0].size)} · COPY . /`],
        ["Layer 2", `${formatBytes(app.layers[1].size)} · RUN apt-get update && rm /etc/gone`],
      ],
    );
    const tooltip = item(api, rows[1]).tooltip as vscode.MarkdownString;
    assert.ok(tooltip.value.includes("RUN apt-get update && rm /etc/gone") && tooltip.value.includes(app.layers[1].digest), tooltip.value);
    assert.strictEqual(item(api, rows[0]).contextValue, "imageLayer");
    assert.match(item(api, rows[0]).accessibilityInformation?.label ?? "", /^Layer 1, /);
    // Listing the layers read the config (or found it cached by the listing's client); no layer blob.
    const layerDigests = app.layers.map((l) => l.digest);
    assert.deepStrictEqual(
      blobGets().filter((p) => layerDigests.some((d) => p.endsWith(d))),
      [],
      `blob GETs: ${blobGets().join(", ")}`,
    );
  });

  it("expands Files → folder → file, and the file row opens the file's text from the image", async () => {
    const api = await getApi();
    const files = (await children(api, await imageRow("tree/app", "v1")))[0];
    const top = await children(api, files);
    assert.deepStrictEqual(
      top.map((r) => label(api, r)),
      ["app", "common-licenses", "etc", "var"],
      "folders first, sorted",
    );
    const root = item(api, top[0]).resourceUri!;
    assert.strictEqual(root.scheme, "cre-image");
    // The same root Browse Files gives this image: one open image, the same documents.
    const browsed = await command<vscode.Uri>("browseFiles", {
      registry: registryHost,
      repository: "tree/app",
      reference: "v1",
      openIn: "none",
    });
    assert.strictEqual(browsed.authority, root.authority);
    const licenses = await child(api, files, "common-licenses");
    assert.strictEqual(item(api, licenses).contextValue, "imageEntry;folder");
    assert.strictEqual(item(api, licenses).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.deepStrictEqual(await labels(api, licenses), [...LICENSE_FILES].sort());
    for (const name of LICENSE_FILES) {
      const row = await child(api, licenses, name);
      const source = fs.readFileSync(path.join(LICENSES, name));
      const treeItem = item(api, row);
      assert.strictEqual(treeItem.contextValue, "imageEntry;file");
      assert.strictEqual(treeItem.collapsibleState, vscode.TreeItemCollapsibleState.None);
      assert.strictEqual(treeItem.description, formatBytes(source.length));
      assert.strictEqual(treeItem.resourceUri?.path, `/common-licenses/${name}`);
      assert.strictEqual(treeItem.command?.command, "vscode.open");
      await click(treeItem.command);
      const editor = await until(
        `the editor of ${name}`,
        () => vscode.window.activeTextEditor,
        (e) => e?.document.uri.toString() === treeItem.resourceUri!.toString(),
      );
      assert.strictEqual(editor!.document.getText(), source.toString("utf8"), `${name} as the editor shows it`);
    }
    const appRow = await child(api, files, "app");
    const run = await child(api, appRow, "run.py");
    await click(item(api, run).command);
    const editor = await until(
      "run.py's editor",
      () => vscode.window.activeTextEditor,
      (e) => e?.document.uri.path === "/app/run.py",
    );
    assert.strictEqual(editor!.document.getText(), script);
    assert.strictEqual(editor!.document.languageId, "python");
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  it("shows a folder of more than 2,000 entries as its first 2,000 rows, folders first, and a note of the rest", async () => {
    const api = await getApi();
    const files = (await children(api, await imageRow("tree/wide", "v1")))[0];
    const rows = await children(api, await child(api, files, "many"));
    assert.strictEqual(rows.length, 2001);
    const names = rows.map((r) => label(api, r));
    assert.deepStrictEqual(names.slice(0, 3), ["sub", "f0000", "f0001"]);
    assert.strictEqual(names[1999], "f1998", "the last file row shown");
    assert.strictEqual(
      names[2000],
      "5 more entries in this folder are not shown here; Browse Files shows the whole folder in the Explorer",
    );
    assert.strictEqual(item(api, rows[2000]).contextValue, "note");
  });

  it("shows a symlink's target, merged changes, and what whiteouts deleted is gone", async () => {
    const api = await getApi();
    const files = (await children(api, await imageRow("tree/app", "v1")))[0];
    const etc = await child(api, files, "etc");
    assert.deepStrictEqual(await labels(api, etc), ["os-release", "release"]);
    const release = await child(api, etc, "release");
    assert.strictEqual(item(api, release).description, `→ /etc/os-release · ${formatBytes(20)}`);
    assert.match(item(api, release).accessibilityInformation?.label ?? "", /^Symbolic link release, /);
    const bytes = await vscode.workspace.fs.readFile(item(api, release).resourceUri!);
    assert.strictEqual(Buffer.from(bytes).toString(), 'NAME="Tree Linux 2"\n');
    // The opaque whiteout hid var/cache's earlier content.
    assert.deepStrictEqual(await labels(api, await child(api, await child(api, files, "var"), "cache")), []);
  });

  it("offers Copy Path and Save File As on a file row, working on the row itself", async () => {
    const api = await getApi();
    const files = (await children(api, await imageRow("tree/app", "v1")))[0];
    const run = await child(api, await child(api, files, "app"), "run.py");
    assert.strictEqual(await command("imageFiles.copyPath", run, {}), "/app/run.py");
    const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const destination = path.join(workspace, "run-from-tree.py");
    try {
      const saved = await command<vscode.Uri>("imageFiles.saveAs", run, { destination });
      assert.strictEqual(saved.fsPath, destination);
      assert.strictEqual(fs.readFileSync(destination, "utf8"), script);
    } finally {
      fs.rmSync(destination, { force: true });
    }
    const manifestJson = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "..", "package.json"), "utf8")) as {
      contributes: { menus: Record<string, { command: string; when?: string }[]> };
    };
    const offered = manifestJson.contributes.menus["view/item/context"]
      .filter((entry) => entry.command.startsWith("containerRegistryExplorer.imageFiles."))
      .map((entry) => [entry.command, entry.when]);
    const matches = (when: string | undefined, contextValue: string): boolean =>
      new RegExp(/\/(.*)\//.exec(when ?? "")![1]).test(contextValue);
    assert.deepStrictEqual(
      offered.filter(([, when]) => matches(when, item(api, run).contextValue!)).map(([id]) => id),
      [
        "containerRegistryExplorer.imageFiles.copyPath",
        "containerRegistryExplorer.imageFiles.saveAs",
        "containerRegistryExplorer.imageFiles.compareWith",
      ],
    );
    assert.deepStrictEqual(
      offered.filter(([, when]) => matches(when, "imageEntry;file;deleted")).map(([id]) => id),
      ["containerRegistryExplorer.imageFiles.copyPath"],
      "a deleted entry has nothing to save or compare",
    );
  });

  it("expands a layer to what it alone added, changed and deleted, with the A/M/D decorations", async () => {
    const api = await getApi();
    const layers = (await children(api, await imageRow("tree/app", "v1")))[1];
    const second = (await children(api, layers))[1];
    assert.deepStrictEqual(await labels(api, second), ["app", "etc", "var"]);
    const rows = new Map<string, TreeNode>();
    for (const folder of await children(api, second)) {
      for (const entry of await children(api, folder)) {
        rows.set(`${label(api, folder)}/${label(api, entry)}`, entry);
        if (item(api, entry).collapsibleState !== vscode.TreeItemCollapsibleState.None) {
          for (const inner of await children(api, entry)) {
            rows.set(`${label(api, folder)}/${label(api, entry)}/${label(api, inner)}`, inner);
          }
        }
      }
    }
    const described = [...rows].map(([name, node]) => [name, item(api, node).description, item(api, node).contextValue]);
    assert.deepStrictEqual(described, [
      ["app/new.txt", `${formatBytes(6)} · added`, "imageEntry;file"],
      ["etc/gone", "deleted", "imageEntry;file;deleted"],
      ["etc/os-release", `${formatBytes(20)} · changed`, "imageEntry;file"],
      // The link's target is in this layer too, so it resolves in the layer's own view.
      ["etc/release", `→ /etc/os-release · ${formatBytes(20)} · added`, "imageEntry;file"],
      ["var/cache", undefined, "imageEntry;folder"],
      ["var/cache/stale", "deleted", "imageEntry;file;deleted"],
    ]);
    // What VS Code paints on each row: the registered provider's answer for the row's resourceUri.
    const letters: Record<string, string | undefined> = {};
    for (const [name, node] of rows) {
      const uri = item(api, node).resourceUri!;
      assert.strictEqual(uri.scheme, "cre-image");
      letters[name] = (await api.imageFileDecoration(uri))?.badge;
    }
    assert.deepStrictEqual(letters, {
      "app/new.txt": "A",
      "etc/gone": "D",
      "etc/os-release": "M",
      "etc/release": "A",
      "var/cache": undefined,
      "var/cache/stale": "D",
    });
    const deleted = await api.imageFileDecoration(item(api, rows.get("etc/gone")!).resourceUri!);
    assert.strictEqual(deleted?.tooltip, "Deleted by this layer");
    assert.strictEqual(deleted?.color?.id, "gitDecoration.deletedResourceForeground");
    // A deleted file has nothing to open; an added one opens its bytes from the layer.
    assert.strictEqual(item(api, rows.get("etc/gone")!).command, undefined);
    const added = item(api, rows.get("app/new.txt")!);
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(added.resourceUri!)).toString(), "added\n");
    // The merged view's rows are not decorated: only a layer's own view says what changed.
    const merged = await child(api, await child(api, (await children(api, await imageRow("tree/app", "v1")))[0], "app"), "new.txt");
    assert.strictEqual(await api.imageFileDecoration(item(api, merged).resourceUri!), undefined);
  });

  it("Browse Files and Browse Layer reuse the image the tree opened; the tree's layer view keeps reading", async () => {
    const api = await getApi();
    const layers = (await children(api, await imageRow("tree/app", "v1")))[1];
    const second = (await children(api, layers))[1];
    const added = item(api, await child(api, await child(api, second, "app"), "new.txt")).resourceUri!;
    const files = (await children(api, await imageRow("tree/app", "v1")))[0];
    const merged = item(api, await child(api, files, "app")).resourceUri!;
    proxy.requests.splice(0);
    // An opening reports each layer (read, or found in the cache); a reused image has nothing to report.
    const reports: number[] = [];
    const onProgress = (bytes: number): number => reports.push(bytes);
    const byName = { registry: registryHost, repository: "tree/app", reference: "v1", openIn: "none", onProgress };
    const browsed = await command<vscode.Uri>("browseFiles", byName);
    const layer = await command<vscode.Uri>("browseLayer", { ...byName, layer: 1 });
    assert.deepStrictEqual(reports, [], "neither command opened the image again");
    assert.strictEqual(browsed.authority, merged.authority);
    assert.strictEqual(layer.authority, added.authority, "Browse Layer gives the root the tree's layer row has");
    assert.deepStrictEqual(blobGets(), [], "the commands fetched no blob");
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(added)).toString(), "added\n");
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(added.with({ authority: layer.authority }))).toString(), "added\n");
    const wasted = await command<{ summary: unknown } | undefined>("showWastedSpace", {
      registry: registryHost,
      repository: "tree/app",
      reference: "v1",
    });
    assert.ok(wasted?.summary, "the wasted-space report ran on the shared image");
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    // The report left the shared image open.
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(merged.with({ path: "/app/new.txt" }))).toString(), "added\n");
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(added)).toString(), "added\n");
  });

  it("gives each platform of an index its own Files and Layers", async () => {
    const api = await getApi();
    const index = await imageRow("tree/multi", "latest");
    const [amdRow, armRow] = await children(api, index);
    assert.deepStrictEqual([label(api, amdRow), label(api, armRow)], ["linux/amd64", "linux/arm64"]);
    assert.strictEqual(item(api, amdRow).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const [files, layers] = await children(api, armRow);
    assert.strictEqual(item(api, files).id, `${item(api, armRow).id}/files`);
    const arch = await child(api, files, "arch.txt");
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(item(api, arch).resourceUri!)).toString(), "arm64\n");
    await until(
      "the arm64 layer count",
      () => label(api, layers),
      (text) => text === "Layers (1)",
    );
    const amdFiles = (await children(api, amdRow))[0];
    const amdArch = await child(api, amdFiles, "arch.txt");
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(item(api, amdArch).resourceUri!)).toString(), "amd64\n");
    assert.notStrictEqual(item(api, amdArch).resourceUri!.authority, item(api, arch).resourceUri!.authority);
    assert.ok(amd.digest);
  });

  it("turns a hostile image into one error row with its message and Retry", async () => {
    const api = await getApi();
    const [files, layers] = await children(api, await imageRow("tree/hostile", "v1"));
    const [error] = await children(api, files);
    const errorItem = item(api, error);
    assert.strictEqual(errorItem.label, "Could not load — retry");
    assert.match(String(errorItem.description), /escaped-by-tree/);
    assert.strictEqual(errorItem.contextValue, "error;retry");
    assert.strictEqual(errorItem.command?.command, "containerRegistryExplorer.retry");
    assert.deepStrictEqual((await children(api, files)).length, 1, "one row");
    // The layer's own row fails the same way; Retry reads again (and fails again: the image is still hostile).
    const layer = (await children(api, layers))[0];
    assert.match(String(item(api, (await children(api, layer))[0]).description), /escaped-by-tree/);
    await command("retry", error);
    const [again] = await children(api, files);
    assert.notStrictEqual(again, error, "Retry read the image again");
    assert.match(String(item(api, again).description), /escaped-by-tree/);
  });

  it("turns a layer of an unsupported media type into an error row naming it", async () => {
    const api = await getApi();
    const [files] = await children(api, await imageRow("tree/odd", "v1"));
    const [error] = await children(api, files);
    assert.strictEqual(item(api, error).contextValue, "error;retry");
    assert.match(String(item(api, error).description), /application\/vnd\.example\.layer\.v1\+lz4/);
  });

  it("cancel leaves a 'Cancelled' row and no partial cache entry; a click or a new expansion reads again", async () => {
    const api = await getApi();
    /** Cancels the next download from the tree once bytes arrive, as the notification's Cancel does. */
    const cancelOnFirstBytes = (): { seen: number; total: number } => {
      const source = new vscode.CancellationTokenSource();
      const progress = { seen: 0, total: 0 };
      api.treeImageFilesOptions.cancellationToken = source.token;
      api.treeImageFilesOptions.onProgress = (bytes, totalBytes) => {
        progress.seen = bytes;
        progress.total = totalBytes ?? 0;
        if (bytes > 0) {
          source.cancel();
        }
      };
      return progress;
    };
    const stopCancelling = (): void => {
      api.treeImageFilesOptions.cancellationToken = undefined;
      api.treeImageFilesOptions.onProgress = undefined;
    };
    const [files] = await children(api, await imageRow("tree/big", "v1"));
    let cancelled: TreeNode[];
    let progress = cancelOnFirstBytes();
    try {
      cancelled = await children(api, files);
    } finally {
      stopCancelling();
    }
    assert.strictEqual(cancelled.length, 1);
    const row = item(api, cancelled[0]);
    assert.strictEqual(row.label, "Cancelled — click or expand again to retry");
    assert.strictEqual(row.contextValue, "error;retry");
    assert.ok(progress.seen > 0 && progress.seen < progress.total, `cancelled after ${progress.seen} of ${progress.total} bytes`);
    const cacheDir = api.imageFilesCacheDir;
    const tmp = path.join(cacheDir, "tmp");
    assert.deepStrictEqual(fs.existsSync(tmp) ? fs.readdirSync(tmp) : [], [], "nothing half-built is left");
    const layersDir = path.join(cacheDir, "layers", "sha256");
    for (const name of fs.existsSync(layersDir) ? fs.readdirSync(layersDir) : []) {
      const index = JSON.parse(fs.readFileSync(path.join(layersDir, name, "index.json"), "utf8")) as { tarBytes: number };
      assert.strictEqual(fs.statSync(path.join(layersDir, name, "layer.tar")).size, index.tarBytes, `${name} is whole`);
    }
    // The row's own command (a click) reads again: cancelled once more here.
    progress = cancelOnFirstBytes();
    try {
      await click(row.command);
      const again = await children(api, files);
      assert.notStrictEqual(again[0], cancelled[0], "the click read again");
      assert.strictEqual(item(api, again[0]).label, "Cancelled — click or expand again to retry");
      assert.ok(progress.seen > 0, "the second read downloaded");
    } finally {
      stopCancelling();
    }
    // Collapsing and expanding the Files row in the real view reads again.
    await api.treeView.reveal(files, { expand: false });
    await vscode.commands.executeCommand("workbench.actions.treeView.containerRegistryExplorer.registries.collapseAll");
    await api.treeView.reveal(files, { expand: true });
    await until(
      "the image's files after a new expansion",
      () => labels(api, files),
      (names) => names.join() === "big.bin",
    );
  });
});
