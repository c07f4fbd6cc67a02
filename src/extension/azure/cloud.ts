// Which Azure cloud the Azure group talks to: VS Code's `microsoft` sign-in for
// the public cloud, or its `microsoft-sovereign-cloud` provider when the user
// chose a sovereign cloud in that provider's `microsoft-sovereign-cloud.environment`
// setting (the same setting the Azure Resources extension follows). The ARM
// endpoint itself can be overridden (a private endpoint, or the tests' stand-in);
// the token audience stays the cloud's, since ARM checks it.

/** Where and with what audience the Azure group calls ARM and signs in to registries. */
export interface AzureCloud {
  /** A name for logs and tooltips. */
  readonly name: string;
  /** The VS Code authentication provider. */
  readonly providerId: "microsoft" | "microsoft-sovereign-cloud";
  /** ARM's base URL, without a trailing slash. */
  readonly resourceManagerEndpoint: string;
  /** ARM's token audience; the scope is `<audience>/.default`. */
  readonly resourceManagerAudience: string;
  /** The audience of ACR-only tokens, for registries that refuse ARM-audience tokens. */
  readonly containerRegistryAudience: string;
}

/** The settings that choose the cloud, as read from VS Code. */
export interface CloudSettings {
  /** `microsoft-sovereign-cloud.environment`: "ChinaCloud", "USGovernment", "custom", or unset. */
  sovereignEnvironment?: string;
  /** `microsoft-sovereign-cloud.customEnvironment` (an @azure/ms-rest-azure-env Environment object). */
  customEnvironment?: unknown;
  /** `containerRegistryExplorer.azure.resourceManagerEndpoint`; empty for the cloud's own. */
  resourceManagerEndpoint?: string;
}

// Endpoints as in @azure/ms-rest-azure-env (which VS Code's sovereign provider uses).
// ACR's token exchange accepts its own audience in every cloud (ACR authentication docs).
const PUBLIC: AzureCloud = {
  name: "Azure",
  providerId: "microsoft",
  resourceManagerEndpoint: "https://management.azure.com",
  resourceManagerAudience: "https://management.azure.com",
  containerRegistryAudience: "https://containerregistry.azure.net",
};

const SOVEREIGN: Record<string, Omit<AzureCloud, "providerId">> = {
  ChinaCloud: {
    name: "Azure China",
    resourceManagerEndpoint: "https://management.chinacloudapi.cn",
    resourceManagerAudience: "https://management.chinacloudapi.cn",
    containerRegistryAudience: "https://containerregistry.azure.net",
  },
  USGovernment: {
    name: "Azure US Government",
    resourceManagerEndpoint: "https://management.usgovcloudapi.net",
    resourceManagerAudience: "https://management.usgovcloudapi.net",
    containerRegistryAudience: "https://containerregistry.azure.net",
  },
};

/** The cloud the settings describe; throws (with what to fix) on an endpoint that is not https. */
export function resolveCloud(settings: CloudSettings): AzureCloud {
  let cloud: AzureCloud = PUBLIC;
  const environment = settings.sovereignEnvironment?.trim();
  if (environment && SOVEREIGN[environment]) {
    cloud = { ...SOVEREIGN[environment], providerId: "microsoft-sovereign-cloud" };
  } else if (environment === "custom") {
    const custom = settings.customEnvironment as { name?: unknown; resourceManagerEndpointUrl?: unknown } | undefined;
    const endpoint = typeof custom?.resourceManagerEndpointUrl === "string" ? trimSlash(custom.resourceManagerEndpointUrl) : "";
    if (!endpoint) {
      throw new Error("microsoft-sovereign-cloud.customEnvironment has no resourceManagerEndpointUrl");
    }
    cloud = {
      name: typeof custom?.name === "string" ? custom.name : "Azure (custom)",
      providerId: "microsoft-sovereign-cloud",
      resourceManagerEndpoint: endpoint,
      resourceManagerAudience: endpoint,
      containerRegistryAudience: PUBLIC.containerRegistryAudience,
    };
  }
  const override = settings.resourceManagerEndpoint?.trim();
  if (override) {
    cloud = { ...cloud, resourceManagerEndpoint: validateHttpsEndpoint(override) };
  }
  return cloud;
}

function validateHttpsEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`The ARM endpoint "${value}" is not a URL`);
  }
  // The SDKs send bearer tokens only over TLS; saying so here beats their generic error.
  if (url.protocol !== "https:" || url.username || url.password || url.search || url.hash) {
    throw new Error(`The ARM endpoint must be an https:// URL without credentials or query, not "${value}"`);
  }
  return trimSlash(url.href);
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, "");
}
