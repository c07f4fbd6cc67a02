// Where the Azure group's sign-ins come from: VS Code's authentication API
// (`microsoft`, or `microsoft-sovereign-cloud`), one session per account,
// resource and tenant (`VSCODE_TENANT:<id>` scopes). Tests put their own
// source in its place (ContainerRegistryExplorerApi.azure.useSessionSource):
// the only thing they replace is the session itself.

import * as vscode from "vscode";

export interface AzureAccount {
  readonly id: string;
  readonly label: string;
}

export interface AzureSessionRequest {
  readonly providerId: string;
  /** A resource scope (`<audience>/.default`), and `VSCODE_TENANT:<id>` for a tenant's own session. */
  readonly scopes: readonly string[];
  /** The account to use; undefined lets the provider choose (its preference, or the only one). */
  readonly account?: AzureAccount;
  /**
   * silent: never asks (tree listings); undefined when a sign-in would be needed.
   * interactive: signs in if needed. reauthenticate: a fresh sign-in, e.g. for a
   * tenant that wants multi-factor authentication or a claims challenge.
   */
  readonly mode: "silent" | "interactive" | "reauthenticate";
  /** Let the user pick another account than the preferred one (interactive only). */
  readonly chooseAccount?: boolean;
  /** A claims challenge from ARM (decoded JSON), when that is why we re-authenticate. */
  readonly claims?: string;
}

export interface AzureSession {
  readonly accessToken: string;
  readonly account: AzureAccount;
}

export interface AzureSessionSource {
  /** The accounts signed in with the provider (no prompt). */
  getAccounts(providerId: string, scopes: readonly string[]): Promise<readonly AzureAccount[]>;
  getSession(request: AzureSessionRequest): Promise<AzureSession | undefined>;
  /** Fires when sessions were added or removed (sign-in, sign-out). */
  readonly onDidChangeSessions: vscode.Event<void>;
}

/** The scope that asks for a tenant's own token. */
export function tenantScope(tenantId: string): string {
  return `VSCODE_TENANT:${tenantId}`;
}

type GetAccounts = (providerId: string) => Thenable<readonly vscode.AuthenticationSessionAccountInformation[]>;

/** VS Code's own sign-in. */
export class VsCodeSessionSource implements AzureSessionSource {
  readonly onDidChangeSessions: vscode.Event<void>;

  constructor() {
    this.onDidChangeSessions = (listener, thisArgs, disposables) =>
      vscode.authentication.onDidChangeSessions(
        (event) => {
          if (event.provider.id === "microsoft" || event.provider.id === "microsoft-sovereign-cloud") {
            listener.call(thisArgs, undefined);
          }
        },
        undefined,
        disposables,
      );
  }

  async getAccounts(providerId: string, scopes: readonly string[]): Promise<readonly AzureAccount[]> {
    // authentication.getAccounts is API 1.93; before that, the session VS Code would pick is the only account known.
    const getAccounts = (vscode.authentication as { getAccounts?: GetAccounts }).getAccounts;
    if (getAccounts) {
      return [...(await getAccounts(providerId))];
    }
    const session = await this.getSession({ providerId, scopes, mode: "silent" });
    return session ? [session.account] : [];
  }

  async getSession(request: AzureSessionRequest): Promise<AzureSession | undefined> {
    const account = request.account ? { id: request.account.id, label: request.account.label } : undefined;
    const options: vscode.AuthenticationGetSessionOptions & { account?: vscode.AuthenticationSessionAccountInformation } = { account };
    if (request.mode === "silent") {
      options.silent = true;
    } else if (request.mode === "reauthenticate") {
      options.forceNewSession = {
        detail: vscode.l10n.t("Azure asks you to sign in again (for example with multi-factor authentication)."),
      };
    } else {
      options.createIfNone = true;
      options.clearSessionPreference = request.chooseAccount;
    }
    try {
      const session = await vscode.authentication.getSession(request.providerId, [...request.scopes], options);
      return session ? { accessToken: session.accessToken, account: session.account } : undefined;
    } catch (error) {
      // A silent request that would need interaction (a tenant that wants MFA) is "no session", not a failure.
      if (request.mode === "silent") {
        return undefined;
      }
      throw error;
    }
  }
}
