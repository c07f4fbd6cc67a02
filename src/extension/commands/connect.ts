// Connect Registry, Disconnect, Re-enter Credentials.
//
// Programmatic callers (tests) pass
//   { endpoint, username?, password?, anonymous?, auth?, allowInsecureHttp?, caCertificatePath?, tenantId? }
// and get the saved registry back, without any prompt.

import * as vscode from "vscode";
import { candidateOrigins, isLoopbackHost, parseEndpoint, probeRegistry, type RegistryProbe, RegistryProbeError } from "../../client/index";
import type { AuthKind, ConnectRequest, SavedRegistry } from "../connections";
import { type HostChoice, pickEndpointOrAzure } from "../azure/connectChoice";
import { getDockerCredential, listDockerConfigEntries, readDockerConfig } from "../dockerConfig";
import { readTrustedCertificates } from "../trustedCertificates";
import { ErrorNode } from "../tree/pagingNodes";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { askCredentialsAndVerify, probeAddress, verify } from "./shared/signIn";
import { resolveRegistry } from "./shared/itemTargets";

export interface ConnectArgs {
  endpoint: string;
  auth?: AuthKind;
  username?: string;
  password?: string;
  anonymous?: boolean;
  allowInsecureHttp?: boolean;
  caCertificatePath?: string;
  tenantId?: string;
  /** Save even when the check of the credentials fails with an authentication error. */
  skipVerification?: boolean;
}

export async function connect(services: Services, args: ConnectArgs | undefined): Promise<SavedRegistry | undefined> {
  const request = args ? await requestFromArgs(args) : await askConnectRequest(services);
  if (!request) {
    return undefined;
  }
  // The dialog checked the credentials already, returning to the step that failed.
  if (args && !args.skipVerification) {
    await verify(services, request);
  }
  const registry = await services.connections.add(request);
  services.tree.refresh(services.tree.getRegistryNode(registry.id));
  if (!args) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Connected {0}.", registry.loginServer));
  }
  return registry;
}

/** Disconnects at once and offers Undo, which puts the registry back as it was (credentials included). */
export async function disconnect(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<void> {
  const registry = await resolveRegistry(services, node, options);
  if (!registry) {
    return;
  }
  const removed = await services.connections.removeUndoably(registry.id);
  if (!removed || options.skipConfirmation) {
    return;
  }
  const undo = vscode.l10n.t("Undo");
  void Promise.resolve(
    vscode.window.showInformationMessage(vscode.l10n.t("Disconnected {0}.", registry.name ?? registry.loginServer), undo),
  ).then(async (choice) => {
    if (choice === undo && !services.connections.get(registry.id)) {
      await services.connections.restore(removed);
    }
  });
}

/** New credentials for a registry whose sign-in failed (from the error node, the registry node, or the palette). */
export async function reenterCredentials(
  services: Services,
  node: TreeNode | undefined,
  args: Partial<ConnectArgs> & CommandOptions,
): Promise<SavedRegistry | undefined> {
  const registryNode = node instanceof ErrorNode ? node.parent : node;
  const registry = await resolveRegistry(services, registryNode, args);
  if (!registry) {
    return undefined;
  }
  const base = {
    endpoint: registry.endpoint,
    allowInsecureHttp: registry.allowInsecureHttp,
    caCertificatePath: registry.caCertificatePath,
  };
  const programmatic = args.auth !== undefined || args.username !== undefined || args.anonymous !== undefined;
  if (programmatic) {
    const request = await requestFromArgs({ ...base, ...args });
    await verify(services, request);
    const saved = await services.connections.add(request);
    services.tree.refresh(services.tree.getRegistryNode(saved.id));
    return saved;
  }
  const request = await askCredentialsAndVerify(services, registry.loginServer, base);
  if (!request || "addressError" in request) {
    return undefined;
  }
  const saved = await services.connections.add(request);
  services.tree.refresh(services.tree.getRegistryNode(saved.id));
  return saved;
}

async function requestFromArgs(given: ConnectArgs): Promise<ConnectRequest> {
  const args = { ...given, endpoint: await originToUse(given.endpoint) };
  const { loginServer } = parseEndpoint(args.endpoint, args.allowInsecureHttp);
  let auth = args.auth;
  if (!auth) {
    if (args.username !== undefined) {
      auth = "password";
    } else if (args.anonymous) {
      auth = "anonymous";
    } else {
      auth = (await getDockerCredential(loginServer, await readDockerConfig())) ? "dockerConfig" : "anonymous";
    }
  }
  return { ...args, auth };
}

/** A loopback address typed without a scheme: https if it answers, else plain http (probeRegistry.ts). */
async function originToUse(endpoint: string): Promise<string> {
  const candidates = candidateOrigins(endpoint);
  if (candidates.length === 1) {
    return endpoint;
  }
  return (await probeRegistry(endpoint, { caCertificates: await readTrustedCertificates(undefined) })).origin;
}

/** The hosts Docker's config has credentials for that are not connected yet. */
async function dockerConfigHosts(services: Services): Promise<HostChoice[]> {
  const dockerEntries = listDockerConfigEntries(await readDockerConfig());
  const known = new Set(services.connections.list().map((r) => r.loginServer));
  const items: HostChoice[] = [];
  for (const entry of dockerEntries.filter((e) => !known.has(e.host) && e.host !== "index.docker.io")) {
    items.push({
      label: entry.host,
      description: vscode.l10n.t("credentials in Docker config ({0})", `${entry.source}${entry.helper ? `: ${entry.helper}` : ""}`),
      host: entry.host,
    });
  }
  return items;
}

/**
 * The connect dialog, one step at a time: address (typed, from the Docker
 * config, or Sign in to Azure; probed before anything else is asked), then
 * how to sign in (preselected from the probe), then the credentials, then
 * one check. A failure returns to the step it belongs to, with what was typed
 * still there and the reason under it.
 */
export async function askConnectRequest(services: Services, initialAddress?: string): Promise<ConnectRequest | undefined> {
  let address: string | undefined = initialAddress;
  let addressError: string | undefined;
  for (;;) {
    if (address === undefined || addressError !== undefined) {
      const choice = await pickEndpointOrAzure(
        await dockerConfigHosts(services),
        address === undefined ? undefined : { value: address, error: addressError },
      );
      if (choice === "azure") {
        await vscode.commands.executeCommand("containerRegistryExplorer.azure.signIn");
        return undefined;
      }
      if (!choice) {
        return undefined;
      }
      address = choice.endpoint;
    }
    let probe: RegistryProbe;
    try {
      probe = await probeAddress(address.trim());
    } catch (error) {
      if (error instanceof RegistryProbeError) {
        addressError = error.reason;
        continue;
      }
      throw error;
    }
    const parsed = parseEndpoint(probe.origin, true);
    let allowInsecureHttp = false;
    if (parsed.origin.startsWith("http:") && !isLoopbackHost(parsed.hostname)) {
      const allow = vscode.l10n.t("Use Plain HTTP");
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t("{0} would be reached over plain HTTP: credentials and content travel unencrypted.", parsed.loginServer),
        { modal: true },
        allow,
      );
      if (choice !== allow) {
        addressError = vscode.l10n.t("Plain HTTP was not allowed; use https://");
        continue;
      }
      allowInsecureHttp = true;
    }
    const request = await askCredentialsAndVerify(services, probe.loginServer, { endpoint: probe.origin, allowInsecureHttp }, probe);
    if (request && "addressError" in request) {
      addressError = request.addressError;
      continue;
    }
    return request;
  }
}
