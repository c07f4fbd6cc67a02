// The read-only image FileSystemProvider (src/extension/imageFiles) inside a
// real VS Code, through VS Code's own file system API and text documents, over
// an image pushed to a real registry: first the provider alone, under a
// scheme of the test's own, then the extension's commands (Browse Files,
// Browse Layer, wasted space, Save File As, Compare With, the cache).

import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import { ContainerRegistryClient, openImageFilesystem } from "../../../src/client";
import { ImageFileSystemProvider } from "../../../src/extension/imageFiles/imageFileSystemProvider";
import { dir, file, pushLayeredImage, rawTar, symlink, whiteout } from "../../fixtures/layerBuilder";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { shortDigest } from "../../../src/extension/format";
import { NEW_WINDOWS_FILE_ENV } from "../testWorkspace";
import { command, connect, disconnectAll, getApi } from "./extensionTestHelpers";

const SCHEME = "cre-image-test";

describe("image files: the read-only FileSystemProvider", function () {
  this.timeout(60_000);
  let registry: RunningRegistry;
  let provider: ImageFileSystemProvider;
  let registration: vscode.Disposable;
  let root: vscode.Uri;
  let cacheDir: string;

  before(async () => {
    registry = await startRegistry({ auth: "anonymous" });
    const client = new ContainerRegistryClient(registry.url);
    await pushLayeredImage(client, "files/vscode", "v1", [
      {
        tar: rawTar([
          dir("etc"),
          file("etc/os-release", 'NAME="Test Linux"\n'),
          file("etc/gone", "x"),
          file("app/main.py", "print('hello')\n"),
        ]),
      },
      { tar: rawTar([whiteout("etc", "gone"), symlink("etc/release", "/etc/os-release"), symlink("dangling", "/nowhere")]) },
    ]);
    provider = new ImageFileSystemProvider(SCHEME);
    registration = vscode.workspace.registerFileSystemProvider(SCHEME, provider, { isReadonly: true, isCaseSensitive: true });
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "cre-image-files-vscode-"));
    const image = await openImageFilesystem(client, "files/vscode", "v1", { cacheDir });
    await image.ready;
    root = provider.mount(image);
  });

  after(async () => {
    await provider?.unmount(root);
    registration?.dispose();
    provider?.dispose();
    await registry?.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it("lists directories, with symlinks typed by their target", async () => {
    const top = await vscode.workspace.fs.readDirectory(root);
    assert.deepStrictEqual(top, [
      ["app", vscode.FileType.Directory],
      ["dangling", vscode.FileType.SymbolicLink | vscode.FileType.Unknown],
      ["etc", vscode.FileType.Directory],
    ]);
    const etc = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, "etc"));
    assert.deepStrictEqual(etc, [
      ["os-release", vscode.FileType.File],
      ["release", vscode.FileType.SymbolicLink | vscode.FileType.File],
    ]);
  });

  it("opens a file as a text document, through a symlink too", async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, "app/main.py"));
    assert.strictEqual(document.getText(), "print('hello')\n");
    assert.strictEqual(document.languageId, "python");
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, "etc/release"));
    assert.strictEqual(Buffer.from(bytes).toString(), 'NAME="Test Linux"\n');
    const stat = await vscode.workspace.fs.stat(vscode.Uri.joinPath(root, "etc/os-release"));
    assert.strictEqual(stat.size, 18);
    assert.strictEqual(stat.permissions, vscode.FilePermission.Readonly);
  });

  it("reports a whited-out file as not found, and refuses writes", async () => {
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(root, "etc/gone"))),
      (error: unknown) => error instanceof vscode.FileSystemError && error.code === "FileNotFound",
    );
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, "etc/new"), Buffer.from("x"))),
      vscode.FileSystemError,
    );
  });

  it("opens a root it does not hold through its reopener (a reloaded or new window)", async () => {
    const client = new ContainerRegistryClient(registry.url);
    let asked: string[] = [];
    const reopening = new ImageFileSystemProvider(`${SCHEME}-reopen`, async (authority) => {
      asked.push(authority);
      return authority === "saved" ? openImageFilesystem(client, "files/vscode", "v1", { cacheDir }) : undefined;
    });
    const disposable = vscode.workspace.registerFileSystemProvider(`${SCHEME}-reopen`, reopening, { isReadonly: true });
    try {
      const saved = vscode.Uri.from({ scheme: `${SCHEME}-reopen`, authority: "saved", path: "/app/main.py" });
      const [one, two] = await Promise.all([vscode.workspace.fs.readFile(saved), vscode.workspace.fs.stat(saved)]);
      assert.strictEqual(Buffer.from(one).toString(), "print('hello')\n");
      assert.strictEqual(two.size, 15);
      assert.deepStrictEqual(asked, ["saved"], "two calls at once reopen the image once");
      asked = [];
      await vscode.workspace.fs.readFile(saved);
      assert.deepStrictEqual(asked, [], "a reopened image is held");
      await assert.rejects(
        Promise.resolve(vscode.workspace.fs.stat(saved.with({ authority: "unknown" }))),
        (error: unknown) => error instanceof vscode.FileSystemError && /no longer open/.test(error.message),
      );
    } finally {
      disposable.dispose();
      reopening.dispose();
    }
  });
});

describe("image files: Browse Files and the commands on image files", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  let registryId: string;
  let cacheDir: string;
  let workDir: string;
  let layers: { digest: string }[];
  let v2Layers: { digest: string }[];
  let streamLayers: { digest: string }[] = [];
  const script = "#!/usr/bin/env python3\nprint('v1')\n";
  const binary = crypto.randomBytes(70_000);
  const browse = (reference: string, extra: Record<string, unknown> = {}): Promise<vscode.Uri> =>
    command<vscode.Uri>("browseFiles", { registry: registryId, repository: "files/browse", reference, openIn: "none", ...extra });

  before(async () => {
    registry = await startRegistry({ auth: "anonymous" });
    const client = new ContainerRegistryClient(registry.url);
    const pushed = await pushLayeredImage(client, "files/browse", "v1", [
      {
        tar: rawTar([dir("app"), file("app/run.py", script), file("app/data.bin", binary), file("etc/gone", "old bytes")]),
        createdBy: "COPY app /app",
      },
      { tar: rawTar([whiteout("etc", "gone"), file("app/new.txt", "added\n")]), createdBy: "RUN rm /etc/gone" },
    ]);
    layers = pushed.layers;
    v2Layers = (await pushLayeredImage(client, "files/browse", "v2", [{ tar: rawTar([dir("app"), file("app/run.py", "print('v2')\n")]) }]))
      .layers;
    await pushLayeredImage(client, "files/other", "v1", [{ tar: rawTar([file("other.txt", crypto.randomBytes(10_000))]) }]);
    await pushLayeredImage(client, "files/hostile", "v1", [{ tar: rawTar([dir("etc"), file("../../../../escaped-file", "escaped\n")]) }]);
    await pushLayeredImage(client, "files/big", "v1", [
      { tar: rawTar([file("big.bin", crypto.randomBytes(48 * 1024 * 1024))]), compression: "none" },
    ]);
    registryId = await connect(registry);
    cacheDir = (await getApi()).imageFilesCacheDir;
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cre-browse-files-"));
  });

  after(async () => {
    await disconnectAll(await getApi());
    await registry?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("opens the image as a folder whose directories expand and whose files show their text", async () => {
    const root = await browse("v1");
    assert.strictEqual(root.scheme, "cre-image");
    assert.deepStrictEqual(await vscode.workspace.fs.readDirectory(root), [
      ["app", vscode.FileType.Directory],
      ["etc", vscode.FileType.Directory],
    ]);
    // etc/gone was whited out by the second layer: etc stays, empty.
    assert.deepStrictEqual(await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, "etc")), []);
    assert.deepStrictEqual(await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, "app")), [
      ["data.bin", vscode.FileType.File],
      ["new.txt", vscode.FileType.File],
      ["run.py", vscode.FileType.File],
    ]);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, "app/run.py"));
    await vscode.window.showTextDocument(document);
    assert.strictEqual(document.getText(), script);
    assert.strictEqual(document.languageId, "python");
    assert.deepStrictEqual(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, "app/data.bin"))), binary);
    // The same image again is the same folder.
    assert.strictEqual((await browse("v1")).toString(), root.toString());
  });

  it("lists the image's directories while its layers are still arriving", async () => {
    const client = new ContainerRegistryClient(registry.url);
    const pushed = await pushLayeredImage(client, "files/stream", "v1", [
      { tar: rawTar([file("first.txt", "layer 0\n")]) },
      { tar: rawTar([file("big.bin", crypto.randomBytes(48 * 1024 * 1024))]), compression: "none" },
    ]);
    // The root the extension gives this image (imageMounts.ts: a key of registry, repository, digest and view).
    const key = crypto
      .createHash("sha256")
      .update(JSON.stringify([registryId, "files/stream", pushed.digest, -1]))
      .digest("hex")
      .slice(0, 32);
    const root = vscode.Uri.from({ scheme: "cre-image", authority: key, path: "/" });
    let finished = false;
    let inFlight = false;
    let bytes = 0;
    let total = 0;
    // Listings answered before the command finished, with the bytes arrived by then.
    const early: { names: string[]; bytes: number }[] = [];
    const opened = await browse("v1", {
      repository: "files/stream",
      onProgress: (transferred: number, totalBytes?: number) => {
        bytes = transferred;
        total = totalBytes ?? 0;
        if (inFlight || finished) {
          return;
        }
        inFlight = true;
        Promise.resolve(vscode.workspace.fs.readDirectory(root)).then(
          (entries) => {
            if (!finished) {
              early.push({ names: entries.map(([name]) => name), bytes });
            }
            inFlight = false;
          },
          () => (inFlight = false),
        );
      },
    });
    finished = true;
    streamLayers = pushed.layers;
    assert.strictEqual(opened.authority, root.authority);
    // Entries are merged as they stream (big.bin may be listed once its header is in), so what counts is
    // that the folder answered with the first layer's file while the second layer's bytes were still arriving.
    assert.ok(
      early.some((listing) => listing.names.includes("first.txt") && listing.bytes < total),
      `listings made while loading (of ${total} bytes): ${JSON.stringify(early)}`,
    );
    assert.deepStrictEqual(
      (await vscode.workspace.fs.readDirectory(root)).map(([name]) => name),
      ["big.bin", "first.txt"],
    );
  });

  it("fails on a hostile image with a typed error naming the entry", async () => {
    await assert.rejects(
      command("browseFiles", { registry: registryId, repository: "files/hostile", reference: "v1", openIn: "none" }),
      (error: Error) => {
        assert.strictEqual(error.name, "UnsafeLayerEntryError");
        assert.match(error.message, /escaped-file/);
        return true;
      },
    );
  });

  it("cancel stops the download and leaves no partial cache entry", async () => {
    const source = new vscode.CancellationTokenSource();
    let seen = 0;
    let total = 0;
    await assert.rejects(
      command("browseFiles", {
        registry: registryId,
        repository: "files/big",
        reference: "v1",
        openIn: "none",
        cancellationToken: source.token,
        onProgress: (bytes: number, totalBytes?: number) => {
          seen = bytes;
          total = totalBytes ?? 0;
          if (bytes > 0) {
            source.cancel();
          }
        },
      }),
      (error: unknown) => error instanceof vscode.CancellationError,
    );
    assert.ok(seen > 0 && seen < total, `cancelled after ${seen} of ${total} bytes`);
    const layersDir = path.join(cacheDir, "layers", "sha256");
    const cached = fs.existsSync(layersDir) ? fs.readdirSync(layersDir) : [];
    assert.ok(cached.length >= 2, "the layers of files/browse are cached");
    const tmp = path.join(cacheDir, "tmp");
    assert.deepStrictEqual(fs.existsSync(tmp) ? fs.readdirSync(tmp) : [], []);
    // Only complete entries: each has its index and its whole tar.
    for (const name of cached) {
      const index = JSON.parse(fs.readFileSync(path.join(layersDir, name, "index.json"), "utf8")) as { tarBytes: number };
      assert.strictEqual(fs.statSync(path.join(layersDir, name, "layer.tar")).size, index.tarBytes);
    }
  });

  it("Browse Layer shows what one layer added and deleted", async () => {
    const root = await command<vscode.Uri>("browseLayer", {
      registry: registryId,
      repository: "files/browse",
      reference: "v1",
      layer: 1,
      openIn: "none",
    });
    assert.deepStrictEqual(await vscode.workspace.fs.readDirectory(root), [
      ["app", vscode.FileType.Directory],
      ["etc", vscode.FileType.Directory],
    ]);
    assert.deepStrictEqual(await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, "app")), [["new.txt", vscode.FileType.File]]);
    assert.deepStrictEqual(await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, "etc")), [["gone", vscode.FileType.File]]);
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, "app/new.txt"))).toString(), "added\n");
  });

  it("reports the wasted space with the layers and their build steps", async () => {
    const result = await command<{ document: vscode.TextDocument; summary: { totalBytes: number; files: { path: string }[] } }>(
      "showWastedSpace",
      {
        registry: registryId,
        repository: "files/browse",
        reference: "v1",
      },
    );
    assert.strictEqual(result.summary.totalBytes, "old bytes".length);
    assert.deepStrictEqual(
      result.summary.files.map((f) => f.path),
      ["/etc/gone"],
    );
    const text = result.document.getText();
    assert.match(text, /COPY app \/app/);
    assert.match(text, /RUN rm \/etc\/gone/);
    assert.match(text, /\| \/etc\/gone \| 1 \| 9 \|/);
  });

  it("Save File As writes the file's bytes atomically, and Copy Path copies the path in the image", async () => {
    const root = await browse("v1");
    const file = vscode.Uri.joinPath(root, "app/data.bin");
    const destination = path.join(workDir, "saved.bin");
    const saved = await command<vscode.Uri>("imageFiles.saveAs", file, { destination });
    assert.strictEqual(saved.fsPath, destination);
    assert.deepStrictEqual(fs.readFileSync(destination), binary);
    assert.deepStrictEqual(fs.readdirSync(workDir), ["saved.bin"]);
    assert.strictEqual(await command("imageFiles.copyPath", file, {}), "/app/data.bin");
    assert.strictEqual(await vscode.env.clipboard.readText(), "/app/data.bin");
    await assert.rejects(
      command("imageFiles.saveAs", vscode.Uri.joinPath(root, "app"), { destination: path.join(workDir, "dir") }),
      /directory/,
    );
    assert.deepStrictEqual(fs.readdirSync(workDir), ["saved.bin"]);
  });

  it("Compare With opens a diff of the same path in another image", async () => {
    const root = await browse("v1");
    const right = vscode.Uri.joinPath(root, "app/run.py");
    const { left } = await command<{ left: vscode.Uri; right: vscode.Uri }>("imageFiles.compareWith", right, {
      registry: registryId,
      repository: "files/browse",
      reference: "v2",
    });
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, "the active tab is a diff");
    assert.strictEqual(tab.input.original.toString(), left.toString());
    assert.strictEqual(tab.input.modified.toString(), right.toString());
    assert.strictEqual((await vscode.workspace.openTextDocument(left)).getText(), "print('v2')\n");
    assert.strictEqual((await vscode.workspace.openTextDocument(right)).getText(), script);
    await assert.rejects(
      command("imageFiles.compareWith", vscode.Uri.joinPath(root, "app/new.txt"), {
        registry: registryId,
        repository: "files/browse",
        reference: "v2",
      }),
      /has no file \/app\/new\.txt/,
    );
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  it("Clear Image File Cache removes the layers no open image uses", async () => {
    // files/other is opened and closed again: its layer is cached and unused.
    await command("showWastedSpace", { registry: registryId, repository: "files/other", reference: "v1" });
    const layersDir = path.join(cacheDir, "layers", "sha256");
    const before = fs.readdirSync(layersDir);
    const result = await command<{ freedBytes: number; remainingBytes: number }>("clearImageFileCache");
    const left = fs.readdirSync(layersDir).sort();
    // The images still open (files/browse v1 and v2, files/stream) keep theirs; nothing else stays.
    const open = [...layers, ...v2Layers, ...streamLayers].map((l) => l.digest.slice("sha256:".length)).sort();
    assert.deepStrictEqual(left, open);
    assert.ok(before.length > left.length, `before: ${before.length}, after: ${left.length}`);
    assert.ok(result.freedBytes > 0 && result.remainingBytes > 0);
  });

  // After the cache test: the images these open stay open.
  it("adds the folder to the Explorer in a multi-root window, its files read byte for byte through workspace.fs", async () => {
    assert.ok(vscode.workspace.workspaceFile, "the suite runs in a multi-root workspace (test/vscode/testWorkspace.ts)");
    const client = new ContainerRegistryClient(registry.url);
    const license = fs.readFileSync("/usr/share/common-licenses/Apache-2.0");
    const pushed = await pushLayeredImage(client, "files/explorer", "v1", [
      { tar: rawTar([dir("licenses"), file("licenses/Apache-2.0", license), file("bin/tool", binary, 0o755)]) },
    ]);
    const before = vscode.workspace.workspaceFolders ?? [];
    // No openIn: the command chooses, and a multi-root window gets the folder added.
    const root = await command<vscode.Uri>("browseFiles", { registry: registryId, repository: "files/explorer", reference: "v1" });
    const folders = vscode.workspace.workspaceFolders ?? [];
    try {
      assert.deepStrictEqual(
        folders.map((f) => f.uri.toString()),
        [...before.map((f) => f.uri.toString()), root.toString()],
      );
      const added = folders[folders.length - 1];
      assert.strictEqual(added.name, `files/explorer@${shortDigest(pushed.digest)}`);
      // What the Explorer shows and opens: the workspace folder's URIs through VS Code's file system API.
      assert.deepStrictEqual(await vscode.workspace.fs.readDirectory(added.uri), [
        ["bin", vscode.FileType.Directory],
        ["licenses", vscode.FileType.Directory],
      ]);
      const licenseUri = vscode.Uri.joinPath(added.uri, "licenses/Apache-2.0");
      assert.strictEqual(vscode.workspace.getWorkspaceFolder(licenseUri)?.uri.toString(), added.uri.toString());
      assert.deepStrictEqual(Buffer.from(await vscode.workspace.fs.readFile(licenseUri)), license);
      assert.deepStrictEqual(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(added.uri, "bin/tool"))), binary);
      assert.strictEqual((await vscode.workspace.fs.stat(licenseUri)).size, license.length);
      // The same image again: the folder is not added twice.
      await command("browseFiles", { registry: registryId, repository: "files/explorer", reference: "v1" });
      assert.strictEqual((vscode.workspace.workspaceFolders ?? []).length, folders.length);
    } finally {
      const index = (vscode.workspace.workspaceFolders ?? []).findIndex((f) => f.uri.toString() === root.toString());
      if (index >= 0) {
        const removed = new Promise<void>((resolve) => {
          const listener = vscode.workspace.onDidChangeWorkspaceFolders(() => {
            listener.dispose();
            resolve();
          });
        });
        vscode.workspace.updateWorkspaceFolders(index, 1);
        await removed;
      }
    }
  });

  it("opens the folder in a new window with openIn: newWindow, and leaves this window's folders alone", async () => {
    const windowsFile = process.env[NEW_WINDOWS_FILE_ENV];
    assert.ok(windowsFile, `${NEW_WINDOWS_FILE_ENV} is set by the code-server driver, which records the windows the workbench opens`);
    const opened = (): { url: string }[] =>
      fs
        .readFileSync(windowsFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { url: string });
    const seen = opened().length;
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
    const root = await command<vscode.Uri>("browseFiles", {
      registry: registryId,
      repository: "files/explorer",
      reference: "v1",
      openIn: "newWindow",
    });
    const deadline = Date.now() + 20_000;
    while (opened().length === seen && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const windows = opened().slice(seen);
    assert.strictEqual(windows.length, 1, `windows opened: ${JSON.stringify(windows)}`);
    // The new window's workbench is asked to open the image's root as its folder.
    const folder = new URL(windows[0].url).searchParams.get("folder");
    assert.ok(folder, windows[0].url);
    assert.strictEqual(vscode.Uri.parse(folder).toString(), root.toString(), windows[0].url);
    assert.deepStrictEqual(
      (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()),
      folders,
    );
  });

  // Last: it closes every open image, as a reload does, which the tests above rely on staying open.
  it("reopens a layer's root after a reload through its merged image, opened once for both roots", async () => {
    const api = await getApi();
    const layerRoot = await command<vscode.Uri>("browseLayer", {
      registry: registryId,
      repository: "files/browse",
      reference: "v1",
      layer: 1,
      openIn: "none",
    });
    const mergedRoot = await browse("v1");
    await api.closeOpenImages();
    const opened: string[] = [];
    const info = api.log.info.bind(api.log);
    api.log.info = (message: string) => {
      if (message.startsWith("Image files: reopening")) {
        opened.push(message);
      }
      info(message);
    };
    try {
      // Both roots at once, as a reloaded window's Explorer asks for them.
      const [layerApp, mergedApp] = await Promise.all([
        vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(layerRoot, "app")),
        vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(mergedRoot, "app")),
      ]);
      assert.deepStrictEqual(layerApp, [["new.txt", vscode.FileType.File]]);
      assert.deepStrictEqual(mergedApp.map(([name]) => name).sort(), ["data.bin", "new.txt", "run.py"]);
      assert.strictEqual(
        Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(layerRoot, "app/new.txt"))).toString(),
        "added\n",
      );
      assert.deepStrictEqual(await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(layerRoot, "etc")), [
        ["gone", vscode.FileType.File],
      ]);
      assert.strictEqual(opened.length, 1, `one image opened for the layer's root and the merged root: ${opened.join("; ")}`);
    } finally {
      // The instance's own property goes; the class's method is back.
      delete (api.log as { info?: unknown }).info;
    }
  });
});
