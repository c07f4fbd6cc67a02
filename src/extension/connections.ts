// The registries the user connected: their list (no secrets) in global state,
// passwords and tokens only in SecretStorage, and one client per registry,
// created on first use and dropped on disconnect or new credentials.

import type { TokenCredential } from "@azure/core-auth";
import { randomUUID } from "node:crypto";
import * as vscode from "vscode";
import { readTrustedCertificates } from "./trustedCertificates";
import { ContainerRegistryClient, parseEndpoint, type RegistryCapabilities, type UsernamePasswordCredential } from "../client/index";
import { createAzureIdentityCredential, VsCodeMicrosoftCredential } from "./azureAuth";
import { getDockerCredential, readDockerConfig } from "./dockerConfig";
import type { Log } from "./log";

export type AuthKind =
  /** No credentials; anonymous pull (and whatever else the registry allows). */
  | "anonymous"
  /** Username and password or token, kept in SecretStorage. */
  | "password"
  /** The user's Microsoft account through VS Code's authentication API (ACR). */
  | "microsoft"
  /** @azure/identity's DefaultAzureCredential (ACR). */
  | "azureIdentity"
  /** Whatever ~/.docker/config.json has for the host, read each time. */
  | "dockerConfig";

/** What is saved about a registry in global state. Never a secret. */
export interface SavedRegistry {
  id: string;
  /** `https://host[:port]` (or `http://` for loopback / when allowed). */
  endpoint: string;
  loginServer: string;
  auth: AuthKind;
  username?: string;
  tenantId?: string;
  allowInsecureHttp?: boolean;
  /** A PEM file with extra trusted CA certificates. */
  caCertificatePath?: string;
  /** The user's own name for it (Rename…); the tree shows the host as its description then. */
  name?: string;
}

/** What Disconnect keeps so Undo can put the registry back exactly (secret included, in memory only). */
export interface RemovedRegistry {
  registry: SavedRegistry;
  secret?: string;
  repositories: string[];
}

export interface ConnectRequest {
  endpoint: string;
  auth: AuthKind;
  username?: string;
  password?: string;
  tenantId?: string;
  allowInsecureHttp?: boolean;
  caCertificatePath?: string;
}

const STATE_KEY = "containerRegistryExplorer.registries";
const SECRET_PREFIX = "containerRegistryExplorer.secret.";
/** Repositories added by name, per registry id: shown even where the registry has no catalog. */
const ADDED_REPOSITORIES_KEY = "containerRegistryExplorer.addedRepositories";
/** Most recent first; enough for a picker's first screen. */
const RECENT_REFERENCES_KEY = "containerRegistryExplorer.recentReferences";
const MAX_RECENT_REFERENCES = 10;

export class Connections implements vscode.Disposable {
  /** The client being created or made, per registry id; a promise, so concurrent first uses share one. */
  private readonly clients = new Map<string, Promise<ContainerRegistryClient>>();
  /** Saved registries whose probed capabilities include properties. */
  private readonly propertyRegistries = new Set<string>();
  private readonly capabilities = new Map<string, Promise<RegistryCapabilities>>();
  /** Registries shown but not saved (the Azure group's): the credential and token audience to sign in with, by id. */
  private readonly transientCredentials = new Map<string, { credential: TokenCredential; audience?: string }>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a registry is added, removed or its credentials change. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {}

  list(): SavedRegistry[] {
    return this.context.globalState.get<SavedRegistry[]>(STATE_KEY, []);
  }

  get(id: string): SavedRegistry | undefined {
    return this.list().find((r) => r.id === id);
  }

  /** Checks the endpoint, saves the registry and its secret; replaces an earlier entry for the same endpoint. */
  async add(request: ConnectRequest): Promise<SavedRegistry> {
    const parsed = parseEndpoint(request.endpoint, request.allowInsecureHttp);
    const existing = this.list().find((r) => r.endpoint === parsed.origin);
    const registry: SavedRegistry = {
      id: existing?.id ?? randomUUID(),
      endpoint: parsed.origin,
      loginServer: parsed.loginServer,
      auth: request.auth,
      username: request.auth === "password" ? request.username : undefined,
      tenantId: request.tenantId,
      allowInsecureHttp: request.allowInsecureHttp || undefined,
      caCertificatePath: request.caCertificatePath,
      name: existing?.name,
    };
    if (request.auth === "password") {
      if (!request.username || request.password === undefined) {
        throw new Error(vscode.l10n.t("A username and a password or token are needed"));
      }
      await this.context.secrets.store(SECRET_PREFIX + registry.id, request.password);
    } else {
      await this.context.secrets.delete(SECRET_PREFIX + registry.id);
    }
    const others = this.list().filter((r) => r.id !== registry.id);
    await this.context.globalState.update(STATE_KEY, [...others, registry]);
    this.forgetClient(registry.id);
    this.log.info(`Saved registry ${registry.loginServer} (${registry.auth})`);
    this.changed.fire();
    return registry;
  }

  /** Gives the registry a name of the user's (empty: back to its host). */
  async rename(id: string, name: string): Promise<SavedRegistry> {
    const registry = this.get(id);
    if (!registry) {
      throw new Error(vscode.l10n.t("No connected registry {0}", id));
    }
    const renamed: SavedRegistry = { ...registry, name: name.trim() || undefined };
    await this.context.globalState.update(
      STATE_KEY,
      this.list().map((r) => (r.id === id ? renamed : r)),
    );
    this.changed.fire();
    return renamed;
  }

  /** The repositories added to a registry by name, in the order added. */
  addedRepositories(id: string): string[] {
    return this.context.globalState.get<Record<string, string[]>>(ADDED_REPOSITORIES_KEY, {})[id] ?? [];
  }

  /** Keeps a repository name with the registry; false when it was there already. */
  async addRepository(id: string, repository: string): Promise<boolean> {
    const all = this.context.globalState.get<Record<string, string[]>>(ADDED_REPOSITORIES_KEY, {});
    const names = all[id] ?? [];
    if (names.includes(repository)) {
      return false;
    }
    await this.context.globalState.update(ADDED_REPOSITORIES_KEY, { ...all, [id]: [...names, repository] });
    return true;
  }

  async forgetRepository(id: string, repository: string): Promise<void> {
    const all = this.context.globalState.get<Record<string, string[]>>(ADDED_REPOSITORIES_KEY, {});
    await this.context.globalState.update(ADDED_REPOSITORIES_KEY, { ...all, [id]: (all[id] ?? []).filter((r) => r !== repository) });
  }

  /** References opened lately (`host/repo:tag`), most recent first. */
  recentReferences(): string[] {
    return this.context.globalState.get<string[]>(RECENT_REFERENCES_KEY, []);
  }

  async rememberReference(reference: string): Promise<void> {
    const next = [reference, ...this.recentReferences().filter((r) => r !== reference)].slice(0, MAX_RECENT_REFERENCES);
    await this.context.globalState.update(RECENT_REFERENCES_KEY, next);
  }

  /** Removes the registry, returning what Undo needs to put it back. */
  async removeUndoably(id: string): Promise<RemovedRegistry | undefined> {
    const registry = this.get(id);
    if (!registry) {
      return undefined;
    }
    const secret = await this.context.secrets.get(SECRET_PREFIX + id);
    const repositories = this.addedRepositories(id);
    await this.remove(id);
    return { registry, secret, repositories };
  }

  /** Puts a removed registry back with its id, secret and added repositories (Undo). */
  async restore(removed: RemovedRegistry): Promise<void> {
    const { registry, secret } = removed;
    if (secret !== undefined) {
      await this.context.secrets.store(SECRET_PREFIX + registry.id, secret);
    }
    for (const repository of removed.repositories) {
      await this.addRepository(registry.id, repository);
    }
    await this.context.globalState.update(STATE_KEY, [...this.list().filter((r) => r.id !== registry.id), registry]);
    this.forgetClient(registry.id);
    this.log.info(`Restored registry ${registry.loginServer}`);
    this.changed.fire();
  }

  /** Forgets the registry, its secret and its added repositories. */
  async remove(id: string): Promise<void> {
    const registry = this.get(id);
    await this.context.secrets.delete(SECRET_PREFIX + id);
    const added = this.context.globalState.get<Record<string, string[]>>(ADDED_REPOSITORIES_KEY, {});
    if (id in added) {
      const { [id]: _gone, ...rest } = added;
      await this.context.globalState.update(ADDED_REPOSITORIES_KEY, rest);
    }
    await this.context.globalState.update(
      STATE_KEY,
      this.list().filter((r) => r.id !== id),
    );
    this.forgetClient(id);
    if (registry) {
      this.log.info(`Disconnected ${registry.loginServer}`);
    }
    this.changed.fire();
  }

  /** The client for a saved registry, created on first use. */
  getClient(registry: SavedRegistry): Promise<ContainerRegistryClient> {
    let client = this.clients.get(registry.id);
    if (!client) {
      const created = this.createClient(registry);
      // A failure is not cached (the next use tries again), unless forgetClient already replaced the entry.
      created.catch(() => {
        if (this.clients.get(registry.id) === created) {
          this.clients.delete(registry.id);
        }
      });
      this.clients.set(registry.id, created);
      client = created;
    }
    return client;
  }

  /** The registry's capabilities, probed once per client. */
  getCapabilities(registry: SavedRegistry): Promise<RegistryCapabilities> {
    let capabilities = this.capabilities.get(registry.id);
    if (!capabilities) {
      const probing: Promise<RegistryCapabilities> = this.getClient(registry)
        .then((client) => client.getCapabilities())
        .then((found) => {
          // Not when the client was forgotten meanwhile: the answer is about the old one.
          if (this.capabilities.get(registry.id) === probing) {
            this.notePropertySupport(registry.id, found.properties);
          }
          return found;
        });
      probing.catch(() => {
        if (this.capabilities.get(registry.id) === probing) {
          this.capabilities.delete(registry.id);
        }
      });
      this.capabilities.set(registry.id, probing);
      capabilities = probing;
    }
    return capabilities;
  }

  /** Drops every cached client, e.g. after the trusted CA setting changed. */
  forgetAllClients(): void {
    this.clients.clear();
    this.capabilities.clear();
    this.propertyRegistries.clear();
    this.publishPropertySupport();
  }

  /**
   * The property toggles are offered in the palette only once a connected
   * registry is known to have properties (ACR): the context key
   * `containerRegistryExplorer.hasPropertyRegistries`.
   */
  private notePropertySupport(id: string, properties: boolean): void {
    if (properties) {
      this.propertyRegistries.add(id);
    } else {
      this.propertyRegistries.delete(id);
    }
    this.publishPropertySupport();
  }

  private publishPropertySupport(): void {
    void vscode.commands.executeCommand("setContext", "containerRegistryExplorer.hasPropertyRegistries", this.propertyRegistries.size > 0);
  }

  /** Drops the cached client so the next use reads credentials again. */
  forgetClient(id: string): void {
    this.clients.delete(id);
    this.capabilities.delete(id);
    if (this.propertyRegistries.delete(id)) {
      this.publishPropertySupport();
    }
  }

  /** Lets getClient sign in to an unsaved registry (by its id) with this credential, for ACR's token exchange. */
  useTransientCredential(id: string, credential: TokenCredential, audience?: string): void {
    this.transientCredentials.set(id, { credential, audience });
    this.forgetClient(id);
  }

  /** A client for a registry that is not saved (yet), e.g. to check credentials before saving. */
  async createClient(registry: SavedRegistry, password?: string): Promise<ContainerRegistryClient> {
    const credential = await this.credentialFor(registry, password);
    const caCertificates = await readTrustedCertificates(registry.caCertificatePath);
    return new ContainerRegistryClient(registry.endpoint, credential, {
      allowInsecureHttp: registry.allowInsecureHttp,
      caCertificates,
      logRequest: this.log.request,
      audience: this.transientCredentials.get(registry.id)?.audience,
      userAgentPrefix: "vscode-container-registry-explorer",
    });
  }

  private async credentialFor(
    registry: SavedRegistry,
    password?: string,
  ): Promise<TokenCredential | UsernamePasswordCredential | undefined> {
    const transient = this.transientCredentials.get(registry.id);
    if (transient) {
      return transient.credential;
    }
    switch (registry.auth) {
      case "anonymous":
        return undefined;
      case "password": {
        const secret = password ?? (await this.context.secrets.get(SECRET_PREFIX + registry.id));
        if (secret === undefined || registry.username === undefined) {
          throw new MissingCredentialsError(registry.loginServer);
        }
        return { username: registry.username, password: secret };
      }
      case "microsoft":
        return new VsCodeMicrosoftCredential(registry.tenantId);
      case "azureIdentity":
        return createAzureIdentityCredential(registry.tenantId);
      case "dockerConfig": {
        const credential = await getDockerCredential(registry.loginServer, await readDockerConfig());
        if (!credential) {
          throw new MissingCredentialsError(registry.loginServer, vscode.l10n.t("Docker's config has no credentials for it any more"));
        }
        return credential;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The saved secret is gone (another machine, a cleared keychain) or the Docker config lost the host. */
export class MissingCredentialsError extends Error {
  override name = "MissingCredentialsError";
  constructor(loginServer: string, reason = vscode.l10n.t("its saved credentials were not found")) {
    super(vscode.l10n.t("Cannot sign in to {0}: {1}. Re-enter the credentials.", loginServer, reason));
  }
}
