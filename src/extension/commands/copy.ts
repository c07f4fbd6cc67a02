// Copy Reference and Copy Digest: to the clipboard, with a short status-bar note.

import * as vscode from "vscode";
import { formatReference } from "../../client/index";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { digestOfTarget, resolveTarget } from "./shared/itemTargets";

const STATUS_MESSAGE_MS = 3000;

export async function copyReference(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<string | undefined> {
  const target = await resolveTarget(services, node, options, ["repository", "manifest", "tag"]);
  if (!target) {
    return undefined;
  }
  const text =
    target.kind === "repository"
      ? `${target.registry.loginServer}/${target.repository}`
      : formatReference(target.registry.loginServer, target.repository, target.reference!);
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t("Copied {0}", text), STATUS_MESSAGE_MS);
  return text;
}

export async function copyDigest(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<string | undefined> {
  const target = await resolveTarget(services, node, options, ["manifest", "tag"]);
  if (!target) {
    return undefined;
  }
  const digest = await digestOfTarget(services, target);
  await vscode.env.clipboard.writeText(digest);
  vscode.window.setStatusBarMessage(vscode.l10n.t("Copied {0}", digest), STATUS_MESSAGE_MS);
  return digest;
}
