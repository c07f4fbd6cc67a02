// The tag prompt of Add Tag, Copy Image To, Push Files and Push OCI Layout:
// checked against the tag grammar as it is typed, so a bad tag is refused
// before anything is sent; and the question before moving a tag that names
// another manifest.

import * as vscode from "vscode";
import { type ContainerRegistryClient, RegistryNotFoundError, validateTag } from "../../../client/index";
import type { CommandOptions } from "./commandServices";
import { inputProblem } from "./inputProblem";

/** An input box for a tag, checked against the tag grammar as it is typed. */
export function askTag(title: string, value?: string, refuse?: (tag: string) => string | undefined): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t("The tag (letters, digits, '_', '.', '-'; at most 128 characters)"),
    value,
    ignoreFocusOut: true,
    validateInput: (typed) => inputProblem(validateTag, typed) ?? refuse?.(typed),
  });
}

/**
 * True to go ahead when `tag` is new or already names `digest`; when it names
 * another manifest, asks first (a push would move it silently).
 */
export async function confirmTagReplacement(
  client: ContainerRegistryClient,
  where: { loginServer: string; repository: string },
  tag: string,
  digest: string | undefined,
  options: CommandOptions,
): Promise<boolean> {
  let current: string;
  try {
    current = (await client.getTagProperties(where.repository, tag)).digest;
  } catch (error) {
    if (error instanceof RegistryNotFoundError) {
      return true;
    }
    throw error;
  }
  if (current === digest || options.skipConfirmation) {
    return true;
  }
  const message = vscode.l10n.t("{0} already exists. Move it?", `${where.loginServer}/${where.repository}:${tag}`);
  const detail = vscode.l10n.t("It points at {0} now; afterwards it names the copied manifest instead.", current);
  if (options.confirm) {
    return options.confirm(message, detail);
  }
  const button = vscode.l10n.t("Move Tag");
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, button)) === button;
}
