// What the Azure group needs from ARM, as plain data: the ARM chunk (armApi.ts)
// maps the SDKs' models to these, so nothing outside it depends on the SDKs.

import type { TokenCredential } from "@azure/core-auth";

/** Where and how to call ARM. */
export interface ArmConnection {
  /** ARM's base URL (https), without a trailing slash. */
  readonly endpoint: string;
  /** `<audience>/.default`. */
  readonly scope: string;
  readonly credential: TokenCredential;
  /** Extra CA certificates (PEM), added to Node's own roots. */
  readonly caCertificates?: string;
  readonly userAgentPrefix: string;
}

export interface ArmTenant {
  readonly tenantId: string;
  readonly displayName?: string;
  readonly defaultDomain?: string;
}

export interface ArmSubscription {
  readonly subscriptionId: string;
  readonly tenantId?: string;
  readonly displayName: string;
  /** Enabled, Warned, PastDue, Disabled, Deleted. */
  readonly state?: string;
}

export interface ArmRegistry {
  /** The ARM resource id. */
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly subscriptionId: string;
  readonly loginServer: string;
  readonly location: string;
  readonly sku: string;
  readonly adminUserEnabled?: boolean;
  /** Enabled or Disabled. */
  readonly publicNetworkAccess?: string;
  /** `policies.azureADAuthenticationAsArmPolicy.status`: "enabled" (the default) or "disabled". */
  readonly armAudienceTokens?: string;
}

export interface ArmUsage {
  readonly name: string;
  readonly currentValue?: number;
  readonly limit?: number;
  /** Bytes or Count. */
  readonly unit?: string;
}
