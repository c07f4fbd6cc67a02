// Commands on a file of an image folder (the Explorer's context menu, and a
// file or folder row under an image's Files or a layer in the tree):
// Copy Path (the path inside the image; VS Code's own would copy our URI),
// Save File As… (written to a temporary name beside the target and renamed,
// so no half-written file is ever left under the chosen name), and Compare
// With… the file of the same path in another image (VS Code's diff editor).

import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import * as vscode from "vscode";
import type { CommandOptions, Services } from "../commands/shared/commandServices";
import { toUri } from "../commands/shared/commandServices";
import { removeQuietly, temporaryPath } from "../files";
import { ImageEntryNode } from "../tree/imageEntryNode";
import { IMAGE_FILES_SCHEME } from "./imageFileSystemProvider";
import { imageMountsFor } from "./imageFilesFeature";
import { mountLabel } from "./imageMounts";
import { openImageWithProgress } from "./openImage";

/** The image file a command was invoked on: the Explorer's argument, a file row of the tree, or `options.uri`. */
function imageFileOf(args: unknown[], options: CommandOptions): vscode.Uri {
  const first = args[0] instanceof ImageEntryNode ? args[0].uri : args[0];
  const uri = first instanceof vscode.Uri ? first : (options.uri ?? vscode.window.activeTextEditor?.document.uri);
  if (!(uri instanceof vscode.Uri) || uri.scheme !== IMAGE_FILES_SCHEME) {
    throw new Error(vscode.l10n.t("Choose a file in an image folder (Browse Files) first"));
  }
  return uri;
}

export async function copyImagePath(_services: Services, args: unknown[], options: CommandOptions): Promise<string> {
  const uri = imageFileOf(args, options);
  await vscode.env.clipboard.writeText(uri.path);
  return uri.path;
}

export async function saveImageFileAs(services: Services, args: unknown[], options: CommandOptions): Promise<vscode.Uri | undefined> {
  const uri = imageFileOf(args, options);
  const mounts = imageMountsFor(services);
  const image = await mounts.provider.imageAt(uri);
  if (!image) {
    throw new Error(vscode.l10n.t("This image is no longer open. Browse its files again from the Container Registries view."));
  }
  const stat = await image.stat(uri.path);
  if (stat.type === "directory") {
    throw new Error(vscode.l10n.t("{0} is a directory; Save File As saves files", uri.path));
  }
  const name = path.posix.basename(uri.path) || "file";
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === "file")?.uri;
  const destination = options.destination
    ? toUri(options.destination)
    : await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
        title: vscode.l10n.t("Save {0} As", uri.path),
      });
  if (!destination) {
    return undefined;
  }
  if (destination.scheme !== "file") {
    throw new Error(vscode.l10n.t("Save File As writes to this machine's files only"));
  }
  const target = destination.fsPath;
  const temporary = temporaryPath(path.dirname(target), path.basename(target));
  try {
    const content = image.createReadStream
      ? await image.createReadStream(uri.path)
      : Readable.from([await image.readFile(uri.path, { maxBytes: Number.MAX_SAFE_INTEGER })]);
    await pipeline(content, fs.createWriteStream(temporary, { flags: "wx", mode: 0o644 }));
    await fs.promises.rename(temporary, target);
  } catch (error) {
    await removeQuietly([temporary]);
    throw error;
  }
  services.log.info(`Save File As: ${uri.path} (${stat.size} bytes) to ${target}`);
  return destination;
}

export async function compareImageFileWith(
  services: Services,
  args: unknown[],
  options: CommandOptions,
): Promise<{ left: vscode.Uri; right: vscode.Uri } | undefined> {
  const right = imageFileOf(args, options);
  const mounts = imageMountsFor(services);
  const opened = await openImageWithProgress(services, mounts, undefined, options);
  if (!opened) {
    return undefined;
  }
  const other = await mounts.mountImage(opened.image, opened.mount);
  const left = other.with({ path: right.path });
  const exists = await opened.image.lstat(right.path).then(
    () => true,
    () => false,
  );
  if (!exists) {
    throw new Error(vscode.l10n.t("{0} has no file {1}", mountLabel(opened.mount.repository, opened.mount.digest), right.path));
  }
  const here = mounts.mountOf(right);
  const title = vscode.l10n.t("{0} ({1} ↔ {2})", path.posix.basename(right.path), opened.mount.label, here?.label ?? right.authority);
  await vscode.commands.executeCommand("vscode.diff", left, right, title, { preview: true });
  return { left, right };
}
