// The ARM calls of the Azure group, with the field's own SDKs. This file is the
// entry of a bundle of its own (dist/azureArm.js, see esbuild.js) that the
// extension loads on first use (armAccess.ts), so activation does not load
// the SDKs. It does not import vscode.

import { createContainerRegistryManagement } from "@azure/arm-containerregistry/api";
import { list as listRegistriesOperation, listUsages as listUsagesOperation } from "@azure/arm-containerregistry/api/registries";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { isRestError, type PipelineOptions } from "@azure/core-rest-pipeline";
import * as tls from "node:tls";
import type { ArmConnection, ArmRegistry, ArmSubscription, ArmTenant, ArmUsage } from "./armModels";

/** Resource ids are `/subscriptions/<id>/resourceGroups/<group>/providers/...` (ARM resource id format). */
const RESOURCE_GROUP = /\/resourceGroups\/([^/]+)\//i;

function pipelineOptions(connection: ArmConnection): PipelineOptions {
  return {
    userAgentOptions: { userAgentPrefix: connection.userAgentPrefix },
    // A `ca` replaces Node's roots, so keep them and add the configured ones.
    tlsOptions: connection.caCertificates ? { ca: [...tls.rootCertificates, connection.caCertificates] } as PipelineOptions["tlsOptions"] : undefined,
    // Listing is read-only and small: the SDK's default retries are enough.
  };
}

function subscriptionClient(connection: ArmConnection): SubscriptionClient {
  return new SubscriptionClient(connection.credential, {
    ...pipelineOptions(connection),
    endpoint: connection.endpoint,
    $host: connection.endpoint,
    credentialScopes: [connection.scope],
  });
}

function registryContext(connection: ArmConnection, subscriptionId: string) {
  return createContainerRegistryManagement(connection.credential, subscriptionId, {
    ...pipelineOptions(connection),
    endpoint: connection.endpoint,
    credentials: { scopes: [connection.scope] },
  });
}

/** The SDK's RestError carries its request (with the Authorization header): keep only status, code and message. */
function armError(error: unknown): unknown {
  if (!isRestError(error)) {
    return error; // e.g. the session credential's sign-in error, passed through as it is
  }
  const details = (error.details as { error?: { code?: string; message?: string } } | undefined)?.error;
  const result = new Error(details?.message ?? error.message) as Error & { statusCode?: number; code?: string };
  result.name = "ArmError";
  result.statusCode = error.statusCode;
  result.code = details?.code ?? error.code;
  return result;
}

async function collect<T, R>(pages: AsyncIterable<T>, map: (item: T) => R | undefined): Promise<R[]> {
  const results: R[] = [];
  try {
    // The SDK follows ARM's nextLink until the last page.
    for await (const item of pages) {
      const mapped = map(item);
      if (mapped !== undefined) {
        results.push(mapped);
      }
    }
  } catch (error) {
    throw armError(error);
  }
  return results;
}

export function listTenants(connection: ArmConnection): Promise<ArmTenant[]> {
  return collect(subscriptionClient(connection).tenants.list(), (t) =>
    t.tenantId ? { tenantId: t.tenantId, displayName: t.displayName, defaultDomain: t.defaultDomain } : undefined,
  );
}

/** The subscriptions the credential's tenant gives access to. */
export function listSubscriptions(connection: ArmConnection): Promise<ArmSubscription[]> {
  return collect(subscriptionClient(connection).subscriptions.list(), (s) =>
    s.subscriptionId ? { subscriptionId: s.subscriptionId, tenantId: s.tenantId, displayName: s.displayName ?? s.subscriptionId, state: s.state } : undefined,
  );
}

export function listRegistries(connection: ArmConnection, subscriptionId: string): Promise<ArmRegistry[]> {
  return collect(listRegistriesOperation(registryContext(connection, subscriptionId)), (r) => {
    if (!r.id || !r.name || !r.loginServer) {
      return undefined;
    }
    return {
      id: r.id,
      name: r.name,
      resourceGroup: RESOURCE_GROUP.exec(r.id)?.[1] ?? "",
      subscriptionId,
      loginServer: r.loginServer,
      location: r.location,
      sku: r.sku?.name ?? "",
      adminUserEnabled: r.adminUserEnabled,
      publicNetworkAccess: r.publicNetworkAccess,
      armAudienceTokens: r.policies?.azureADAuthenticationAsArmPolicy?.status,
    };
  });
}

export async function listUsages(connection: ArmConnection, registry: ArmRegistry): Promise<ArmUsage[]> {
  try {
    const result = await listUsagesOperation(registryContext(connection, registry.subscriptionId), registry.resourceGroup, registry.name);
    return (result.value ?? []).filter((u) => u.name).map((u) => ({ name: u.name!, currentValue: u.currentValue, limit: u.limit, unit: u.unit }));
  } catch (error) {
    throw armError(error);
  }
}
