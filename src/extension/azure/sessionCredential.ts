// A TokenCredential over the Azure group's session source, for one account and
// tenant. It never asks: the tree lists with what VS Code has, and a missing
// or challenged session becomes a "sign in" row whose action asks.

import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { AzureSignInRequiredError } from "./errors";
import { type AzureAccount, type AzureSessionSource, tenantScope } from "./sessionSource";

/** VS Code's sessions carry no expiry; it refreshes them well within an hour. */
const SESSION_TOKEN_LIFETIME_MS = 45 * 60 * 1000;

export class SessionCredential implements TokenCredential {
  constructor(
    private readonly source: AzureSessionSource,
    private readonly providerId: string,
    private readonly account: AzureAccount | undefined,
    private readonly tenantId?: string,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    // A claims challenge (ARM's continuous access evaluation / MFA) needs the user: say so, do not prompt here.
    if (options?.claims) {
      throw new AzureSignInRequiredError(this.tenantId ?? options.tenantId, options.claims);
    }
    const tenant = options?.tenantId ?? this.tenantId;
    const requested = [...(Array.isArray(scopes) ? scopes : [scopes]), ...(tenant ? [tenantScope(tenant)] : [])];
    const session = await this.source.getSession({ providerId: this.providerId, scopes: requested, account: this.account, mode: "silent" });
    if (!session) {
      throw new AzureSignInRequiredError(tenant);
    }
    return { token: session.accessToken, expiresOnTimestamp: Date.now() + SESSION_TOKEN_LIFETIME_MS };
  }
}
