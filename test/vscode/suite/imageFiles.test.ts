// The read-only image FileSystemProvider (src/extension/imageFiles) inside a
// real VS Code, through VS Code's own file system API and text documents, over
// an image pushed to a real registry. The provider is not wired into the
// extension yet, so the test registers it under a scheme of its own.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import { ContainerRegistryClient, openImageFilesystem } from "../../../src/client";
import { ImageFileSystemProvider } from "../../../src/extension/imageFiles/imageFileSystemProvider";
import { dir, file, pushLayeredImage, rawTar, symlink, whiteout } from "../../fixtures/layerBuilder";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";

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
});
