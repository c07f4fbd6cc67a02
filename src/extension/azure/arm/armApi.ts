// The ARM calls of the Azure group (docs/protocols.md#arm), with the field's
// own SDKs. This file is the entry of a bundle of its own (dist/azureArm.js,
// see esbuild.js) that the extension loads on first use (armAccess.ts), so
// activation does not load the SDKs. It does not import vscode.

import { createContainerRegistryManagement } from "@azure/arm-containerregistry/api";
import { list as listRegistriesOperation, listUsages as listUsagesOperation } from "@azure/arm-containerregistry/api/registries";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { isRestError, type PipelineOptions, type PipelinePolicy } from "@azure/core-rest-pipeline";
import * as tls from "node:tls";
import type { ArmConnection, ArmRegistry, ArmSubscription, ArmTenant, ArmUsage } from "./armModels";

/** Resource ids are `/subscriptions/<id>/resourceGroups/<group>/providers/...` (ARM resource id format). */
const RESOURCE_GROUP = /\/resourceGroups\/([^/]+)\//i;

/** What both SDKs' client options take (core-client's CommonClientOptions, core-rest ClientOptions). */
type ArmClientOptions = PipelineOptions & { additionalPolicies: { policy: PipelinePolicy; position: "perCall" | "perRetry" }[] };

function pipelineOptions(connection: ArmConnection): ArmClientOptions {
  return {
    userAgentOptions: { userAgentPrefix: connection.userAgentPrefix },
    // A `ca` replaces Node's roots, so keep them and add the configured ones.
    tlsOptions: connection.caCertificates ? { ca: [...tls.rootCertificates, connection.caCertificates] } : undefined,
    additionalPolicies: [{ policy: armErrorPolicy, position: "perCall" }],
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

type ArmErrorBody = { code?: string; message?: string };

/** An Error named ArmError: status, ARM's code and message, and nothing of the request (which holds the Authorization header). */
function newArmError(statusCode: number | undefined, code: string | undefined, message: string): Error {
  const error = new Error(message) as Error & { statusCode?: number; code?: string };
  error.name = "ArmError";
  error.statusCode = statusCode;
  error.code = code;
  return error;
}

/**
 * Turns an ARM error answer into an ArmError with ARM's own `{ error: { code, message } }`.
 * Needed because the modular SDK's paging reports only "Pagination failed with
 * unexpected statusCode 403" and drops the message that says which permission is missing.
 * Per call, so it sees the answer after the retry and bearer (claims challenge) policies.
 */
const armErrorPolicy: PipelinePolicy = {
  name: "containerRegistryExplorerArmErrors",
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status < 400) {
      return response;
    }
    let body: ArmErrorBody | undefined;
    try {
      body = (JSON.parse(response.bodyAsText ?? "") as { error?: ArmErrorBody }).error;
    } catch {
      body = undefined;
    }
    throw newArmError(response.status, body?.code, body?.message ?? `ARM answered ${response.status}`);
  },
};

/** Network failures (no answer) come as RestErrors; they become ArmErrors without a status. */
function armError(error: unknown): unknown {
  if (!isRestError(error)) {
    return error; // an ArmError from the policy, or the session credential's sign-in error, as it is
  }
  return newArmError(error.statusCode, error.code, error.message);
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
    s.subscriptionId
      ? { subscriptionId: s.subscriptionId, tenantId: s.tenantId, displayName: s.displayName ?? s.subscriptionId, state: s.state }
      : undefined,
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
    return (result.value ?? [])
      .filter((u) => u.name)
      .map((u) => ({ name: u.name!, currentValue: u.currentValue, limit: u.limit, unit: u.unit }));
  } catch (error) {
    throw armError(error);
  }
}
