// Decides once per client whether a registry speaks ACR's /acr/v1 metadata API.
// Azure's own hosts are known by name; any other host is probed with one
// request (so the ACR stand-in, or an ACR behind a custom domain, is found).

import type { AbortSignalLike } from "@azure/abort-controller";
import type { RegistryHttp } from "../http/registryHttp";
import { AcrMetadata } from "./acrMetadata";
import type { MetadataDialect } from "./metadataDialect";
import { OciMetadata } from "./ociMetadata";

export type RegistryKind = "acr" | "oci";

/** Public and sovereign clouds' ACR login-server suffixes. */
const ACR_HOST = /\.azurecr\.(io|cn|us|de)$/i;

/** Whether a host (`name` or `name:port`) is an Azure Container Registry by its name. */
export function isAzureContainerRegistryHost(loginServer: string): boolean {
  return ACR_HOST.test(loginServer.split(":")[0]);
}

export async function detectRegistryKind(http: RegistryHttp, hostname: string, abortSignal?: AbortSignalLike): Promise<RegistryKind> {
  if (isAzureContainerRegistryHost(hostname)) {
    return "acr";
  }
  try {
    const response = await http.sendAndDiscard({
      method: "GET",
      url: "/acr/v1/_catalog?n=1",
      operation: "probe for the ACR metadata API",
      expectedStatus: [200],
      abortSignal,
    });
    return response.status === 200 ? "acr" : "oci";
  } catch (error) {
    if ((error as Error).name === "AbortError") {
      throw error;
    }
    // 404 (no such API), or a credential not allowed to list: the /v2 API it is.
    return "oci";
  }
}

export function createDialect(kind: RegistryKind, http: RegistryHttp): MetadataDialect {
  return kind === "acr" ? new AcrMetadata(http) : new OciMetadata(http);
}
