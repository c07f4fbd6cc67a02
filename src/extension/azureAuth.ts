// Microsoft Entra credentials for Azure Container Registry, as TokenCredentials
// the client exchanges for ACR tokens: the user's Microsoft account through
// VS Code's authentication API, or @azure/identity's chain (environment,
// workload and managed identity, Azure CLI, ...).

import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import * as vscode from "vscode";

/** VS Code's session tokens carry no expiry; they are refreshed well within an hour. */
const SESSION_TOKEN_LIFETIME_MS = 45 * 60 * 1000;

/**
 * A TokenCredential backed by a `microsoft` authentication session. The first
 * call may ask the user to sign in (`createIfNone`); later calls reuse the session.
 */
export class VsCodeMicrosoftCredential implements TokenCredential {
  constructor(private readonly tenantId?: string) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const requested = Array.isArray(scopes) ? [...scopes] : [scopes];
    const tenant = options?.tenantId ?? this.tenantId;
    if (tenant) {
      requested.push(`VSCODE_TENANT:${tenant}`);
    }
    const session = await vscode.authentication.getSession("microsoft", requested, { createIfNone: true });
    return { token: session.accessToken, expiresOnTimestamp: Date.now() + SESSION_TOKEN_LIFETIME_MS };
  }
}

/** @azure/identity's DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI, ... */
export function createAzureIdentityCredential(tenantId?: string): TokenCredential {
  return new DefaultAzureCredential(tenantId ? { tenantId } : undefined);
}
