// The row left where the user cancelled a long read of a row's children (an
// image's layers arriving for its Files row): clicking it, Retry on it, or
// collapsing and expanding its parent again reads again. An ErrorNode underneath, so Retry treats it as any error row.

import * as vscode from "vscode";
import { ErrorNode } from "./pagingNodes";

export class CancelledNode extends ErrorNode {
  override getTreeItem(): vscode.TreeItem {
    const item = super.getTreeItem();
    item.label = vscode.l10n.t("Cancelled — click or expand again to retry");
    item.description = undefined;
    item.tooltip = vscode.l10n.t(
      "The download was cancelled; nothing of it was kept. Click, or collapse and expand the row above, to start again.",
    );
    item.iconPath = new vscode.ThemeIcon("debug-restart");
    item.accessibilityInformation = { label: vscode.l10n.t("Cancelled. Click or expand again to retry"), role: "button" };
    return item;
  }
}
