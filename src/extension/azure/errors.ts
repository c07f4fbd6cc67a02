// The failures the Azure group turns into tree rows, each with its own action.

import * as vscode from "vscode";

/**
 * No session without asking: nobody is signed in (no tenant), or a tenant wants
 * a new sign-in (multi-factor authentication, a claims challenge from ARM).
 */
export class AzureSignInRequiredError extends Error {
  override name = "AzureSignInRequiredError";
  constructor(
    readonly tenantId?: string,
    /** ARM's claims challenge (decoded JSON), to pass on to the new sign-in. */
    readonly claims?: string,
  ) {
    super(
      tenantId
        ? claims
          ? vscode.l10n.t("The directory {0} asks for a new sign-in (claims challenge)", tenantId)
          : vscode.l10n.t("No session for the directory {0} without signing in again", tenantId)
        : vscode.l10n.t("Not signed in to Azure"),
    );
  }
}

/**
 * An ARM call failed: `statusCode` (403 = no permission) and ARM's error
 * `code`, or no status when ARM could not be reached. Made from the SDK's
 * RestError without its request (which holds the Authorization header).
 * Checked by name: the ARM chunk is bundled apart, so classes differ.
 */
export interface ArmError extends Error {
  name: "ArmError";
  statusCode?: number;
  code?: string;
}

export function isArmError(error: unknown): error is ArmError {
  return error instanceof Error && error.name === "ArmError";
}

export function isArmNetworkError(error: unknown): boolean {
  return isArmError(error) && error.statusCode === undefined;
}

/** The sign-in error behind a client error (the registry client keeps what the credential threw as `cause`). */
export function signInRequiredCause(error: unknown): AzureSignInRequiredError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof AzureSignInRequiredError) {
      return e;
    }
  }
  return undefined;
}
