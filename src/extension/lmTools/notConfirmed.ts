// The refusal of a registry-changing tool invoked without a prepared (and so
// confirmed) change for its input.

import * as vscode from "vscode";

export class NotConfirmedError extends Error {
  override name = "NotConfirmedError";
  constructor() {
    super(
      vscode.l10n.t(
        "Nothing was changed: this change was not prepared and confirmed (or the confirmation expired). Invoke the tool again so that the user is asked.",
      ),
    );
  }
}
