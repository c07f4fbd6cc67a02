// Loads the ARM chunk (dist/azureArm.js, with the SDKs) on first use and builds
// the connection ARM calls need from the current cloud and settings.

import * as vscode from "vscode";
import type { Log } from "../log";
import { readTrustedCertificates } from "../trustedCertificates";
import type { ArmConnection } from "./arm/armModels";
import type { AzureCloud } from "./cloud";
import { SessionCredential } from "./sessionCredential";
import type { AzureAccount, AzureSessionSource } from "./sessionSource";

export type ArmApi = typeof import("./arm/armApi");

let loading: Promise<ArmApi> | undefined;

/** The ARM chunk; esbuild maps this import to ./azureArm.js beside the extension bundle. */
export function loadArmApi(log: Log): Promise<ArmApi> {
  if (!loading) {
    const started = Date.now();
    loading = import("./arm/armApi").then((api) => {
      log.info(`Loaded the Azure Resource Manager libraries in ${Date.now() - started} ms`);
      return api;
    });
    loading.catch(() => (loading = undefined));
  }
  return loading;
}

export async function armConnection(
  source: AzureSessionSource,
  cloud: AzureCloud,
  account: AzureAccount | undefined,
  tenantId?: string,
): Promise<ArmConnection> {
  return {
    endpoint: cloud.resourceManagerEndpoint,
    scope: `${cloud.resourceManagerAudience}/.default`,
    credential: new SessionCredential(source, cloud.providerId, account, tenantId),
    caCertificates: await readTrustedCertificates(),
    userAgentPrefix: `vscode-container-registry-explorer vscode/${vscode.version}`,
  };
}
