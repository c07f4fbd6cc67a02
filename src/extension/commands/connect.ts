// Connect Registry, Disconnect, Re-enter Credentials.
//
// Programmatic callers (tests) pass
//   { endpoint, username?, password?, anonymous?, auth?, allowInsecureHttp?, caCertificatePath?, tenantId? }
// and get the saved registry back, without any prompt.

import * as vscode from "vscode";
import { isAzureContainerRegistryHost, isLoopbackHost, NotSupportedByRegistryError, parseEndpoint, RegistryAuthenticationError, RegistryError } from "../../client/index";
import type { AuthKind, ConnectRequest, SavedRegistry } from "../connections";
import { type HostChoice, pickEndpointOrAzure } from "../azure/connectChoice";
import { getDockerCredential, listDockerConfigEntries, readDockerConfig } from "../dockerConfig";
import { abortSignalFor } from "../cancellation";
import { firstPage } from "../clientPaging";
import { ErrorNode } from "../tree/pagingNodes";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
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
  if (!args?.skipVerification) {
    await verify(services, request);
  }
  const registry = await services.connections.add(request);
  services.tree.refresh(services.tree.getRegistryNode(registry.id));
  if (!args) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Connected {0}.", registry.loginServer));
  }
  return registry;
}

export async function disconnect(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<void> {
  const registry = await resolveRegistry(services, node, options);
  if (registry) {
    await services.connections.remove(registry.id);
  }
}

/** New credentials for a registry whose sign-in failed (from the error node, the registry node, or the palette). */
export async function reenterCredentials(services: Services, node: TreeNode | undefined, args: Partial<ConnectArgs> & CommandOptions): Promise<SavedRegistry | undefined> {
  const registryNode = node instanceof ErrorNode ? node.parent : node;
  const registry = await resolveRegistry(services, registryNode, args);
  if (!registry) {
    return undefined;
  }
  const base = { endpoint: registry.endpoint, allowInsecureHttp: registry.allowInsecureHttp, caCertificatePath: registry.caCertificatePath };
  const programmatic = args.auth !== undefined || args.username !== undefined || args.anonymous !== undefined;
  const request = programmatic ? await requestFromArgs({ ...base, ...args }) : await askCredentials(registry.loginServer, base);
  if (!request) {
    return undefined;
  }
  await verify(services, request);
  const saved = await services.connections.add(request);
  services.tree.refresh(services.tree.getRegistryNode(saved.id));
  return saved;
}

async function requestFromArgs(args: ConnectArgs): Promise<ConnectRequest> {
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

/** Tries the credentials with one small request, so a typo is caught before anything is saved. */
async function verify(services: Services, request: ConnectRequest): Promise<void> {
  const parsed = parseEndpoint(request.endpoint, request.allowInsecureHttp);
  const probe: SavedRegistry = {
    id: "verify",
    endpoint: parsed.origin,
    loginServer: parsed.loginServer,
    auth: request.auth,
    username: request.username,
    tenantId: request.tenantId,
    allowInsecureHttp: request.allowInsecureHttp,
    caCertificatePath: request.caCertificatePath,
  };
  const client = await services.connections.createClient(probe, request.password);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Connecting to {0}…", parsed.loginServer), cancellable: true },
    async (_progress, token) => {
      const abort = abortSignalFor(token);
      try {
        await firstPage(client.listRepositoryNames({ abortSignal: abort.signal }).byPage({ maxPageSize: 1 }));
      } catch (error) {
        if (!listingRefused(error) || abort.signal.aborted) {
          throw error;
        }
        // Listing may be forbidden (a repository-scoped token) or unsupported; the registry is still worth saving.
        services.log.warn(`Connected to ${parsed.loginServer}, but listing repositories failed: ${(error as Error).message}`);
      } finally {
        abort.dispose();
      }
    },
  );
}

/**
 * The registry answered, but will not list repositories for these credentials
 * (403, or no catalog: 404/405). Anything else (wrong credentials, TLS, an
 * unreachable host) means the connection does not work.
 */
function listingRefused(error: unknown): boolean {
  return (
    error instanceof NotSupportedByRegistryError ||
    (error instanceof RegistryError && !(error instanceof RegistryAuthenticationError) && [403, 404, 405].includes(error.statusCode ?? 0))
  );
}

async function askConnectRequest(services: Services): Promise<ConnectRequest | undefined> {
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
  const choice = await pickEndpointOrAzure(items);
  if (choice === "azure") {
    await vscode.commands.executeCommand("containerRegistryExplorer.azure.signIn");
    return undefined;
  }
  const endpoint = choice?.endpoint;
  if (!endpoint) {
    return undefined;
  }
  const parsed = parseEndpoint(endpoint, true);
  let allowInsecureHttp = false;
  if (parsed.origin.startsWith("http:") && !isLoopbackHost(parsed.hostname)) {
    const allow = vscode.l10n.t("Use Plain HTTP");
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t("{0} would be reached over plain HTTP: credentials and content travel unencrypted.", parsed.loginServer),
      { modal: true },
      allow,
    );
    if (choice !== allow) {
      return undefined;
    }
    allowInsecureHttp = true;
  }
  return askCredentials(parsed.loginServer, { endpoint: parsed.origin, allowInsecureHttp });
}

interface AuthPick extends vscode.QuickPickItem {
  auth: AuthKind;
}

async function askCredentials(
  loginServer: string,
  base: { endpoint: string; allowInsecureHttp?: boolean; caCertificatePath?: string },
): Promise<ConnectRequest | undefined> {
  const acr = isAzureContainerRegistryHost(loginServer);
  const docker = await getDockerCredential(loginServer, await readDockerConfig()).catch(() => undefined);
  const items: AuthPick[] = [];
  if (docker) {
    items.push({ label: `$(key) ${vscode.l10n.t("Docker config")}`, description: vscode.l10n.t("use the credentials Docker has for {0}", loginServer), auth: "dockerConfig" });
  }
  const azure: AuthPick[] = [
    { label: `$(account) ${vscode.l10n.t("Microsoft account")}`, description: vscode.l10n.t("sign in with VS Code's Microsoft authentication"), auth: "microsoft" },
    { label: `$(azure) ${vscode.l10n.t("Azure identity")}`, description: vscode.l10n.t("environment, managed identity, Azure CLI (az login)"), auth: "azureIdentity" },
  ];
  const generic: AuthPick[] = [
    { label: `$(lock) ${vscode.l10n.t("Username and password or token")}`, description: vscode.l10n.t("kept in VS Code's secret storage"), auth: "password" },
    { label: `$(globe) ${vscode.l10n.t("Anonymous")}`, description: vscode.l10n.t("public content only"), auth: "anonymous" },
  ];
  items.push(...(acr ? [...azure, ...generic] : [...generic, ...azure]));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t("Sign in to {0}", loginServer), placeHolder: vscode.l10n.t("How to sign in") });
  if (!picked) {
    return undefined;
  }
  if (picked.auth !== "password") {
    return { ...base, auth: picked.auth };
  }
  const username = await vscode.window.showInputBox({
    title: vscode.l10n.t("Sign in to {0}", loginServer),
    prompt: vscode.l10n.t("Username (for an ACR token or admin user: its name)"),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t("A username is needed")),
  });
  if (username === undefined) {
    return undefined;
  }
  const password = await vscode.window.showInputBox({
    title: vscode.l10n.t("Sign in to {0} as {1}", loginServer, username),
    prompt: vscode.l10n.t("Password or token"),
    password: true,
    ignoreFocusOut: true,
  });
  if (password === undefined) {
    return undefined;
  }
  return { ...base, auth: "password", username: username.trim(), password };
}
