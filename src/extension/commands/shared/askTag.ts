// The tag prompt of Add Tag and Copy Image To: checked against the tag
// grammar as it is typed, so a bad tag is refused before anything is sent.

import * as vscode from "vscode";
import { validateTag } from "../../../client/index";

/** An input box for a tag, checked against the tag grammar as it is typed. */
export function askTag(title: string, value?: string, refuse?: (tag: string) => string | undefined): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t("The tag (letters, digits, '_', '.', '-'; at most 128 characters)"),
    value,
    validateInput: (typed) => {
      try {
        validateTag(typed);
      } catch (error) {
        return (error as Error).message;
      }
      return refuse?.(typed);
    },
  });
}
