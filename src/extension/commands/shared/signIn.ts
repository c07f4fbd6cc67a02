// Signing in to a registry, shared by Connect, Re-enter Credentials and Open
// Reference: the probe of an address (with progress), the "How to sign in"
// steps preselected from it (signInChoices.ts), and the one request that
// checks the credentials before anything is saved. A refused sign-in asks
// again with the same choice and username.

import * as vscode from "vscode";
import {
  NotSupportedByRegistryError,
  parseEndpoint,
  probeRegistry,
  RegistryAuthenticationError,
  RegistryError,
  type RegistryProbe,
} from "../../../client/index";
import { abortSignalFor, isCancellation } from "../../cancellation";
import { firstPage } from "../../clientPaging";
import type { ConnectRequest, SavedRegistry } from "../../connections";
import { getDockerCredential, readDockerConfig } from "../../dockerConfig";
import { readTrustedCertificates } from "../../trustedCertificates";
import { showInputStep, showPickStep } from "../dialogSteps";
import { signInChoices } from "../signInChoices";
import type { Services } from "./commandServices";

/** The address step's one look at the registry, with a cancellable progress note. */
export async function probeAddress(address: string): Promise<RegistryProbe> {
  const caCertificates = await readTrustedCertificates(undefined);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Looking at {0}…", address), cancellable: true },
    async (_progress, token) => {
      const abort = abortSignalFor(token);
      try {
        return await probeRegistry(address, { caCertificates, abortSignal: abort.signal });
      } finally {
        abort.dispose();
      }
    },
  );
}

/** Tries the credentials with one small request, so a typo is caught before anything is saved. */
export async function verify(services: Services, request: ConnectRequest): Promise<void> {
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

/**
 * How to sign in, the credentials, and the check of them; a refused sign-in
 * asks again with the same choice and username. `addressError` when the
 * check failed for a reason that belongs to the address step (unreachable, TLS).
 */
export async function askCredentialsAndVerify(
  services: Services,
  loginServer: string,
  base: { endpoint: string; allowInsecureHttp?: boolean; caCertificatePath?: string },
  probe?: RegistryProbe,
): Promise<ConnectRequest | undefined | { addressError: string }> {
  let previous: Partial<ConnectRequest> | undefined;
  let error: string | undefined;
  for (;;) {
    const request = await askCredentials(loginServer, base, probe, previous, error);
    if (!request) {
      return undefined;
    }
    try {
      await verify(services, request);
      return request;
    } catch (failure) {
      if (isCancellation(failure)) {
        throw failure;
      }
      if (failure instanceof RegistryAuthenticationError || (failure instanceof RegistryError && failure.statusCode === 401)) {
        previous = request;
        error = (failure as Error).message;
        continue;
      }
      if (!probe) {
        throw failure;
      }
      return { addressError: (failure as Error).message };
    }
  }
}

async function askCredentials(
  loginServer: string,
  base: { endpoint: string; allowInsecureHttp?: boolean; caCertificatePath?: string },
  probe?: RegistryProbe,
  previous?: Partial<ConnectRequest>,
  error?: string,
): Promise<ConnectRequest | undefined> {
  const docker = await getDockerCredential(loginServer, await readDockerConfig()).catch(() => undefined);
  const items = signInChoices({ loginServer, probe, dockerCredentials: docker !== undefined });
  const active = items.find((i) => i.auth === previous?.auth);
  const picked = await showPickStep(vscode.l10n.t("Sign in to {0}", loginServer), vscode.l10n.t("How to sign in"), items, active, error);
  if (!picked) {
    return undefined;
  }
  if (picked.auth !== "password") {
    return { ...base, auth: picked.auth };
  }
  const username = await showInputStep({
    title: vscode.l10n.t("Sign in to {0}", loginServer),
    prompt: vscode.l10n.t("Username (for an ACR token or admin user: its name)"),
    value: previous?.username,
    validate: (v) => (v.trim() ? undefined : vscode.l10n.t("A username is needed")),
  });
  if (username === undefined) {
    return undefined;
  }
  const password = await showInputStep({
    title: vscode.l10n.t("Sign in to {0} as {1}", loginServer, username.trim()),
    prompt: vscode.l10n.t("Password or token"),
    password: true,
    error: previous?.username === username.trim() ? error : undefined,
  });
  if (password === undefined) {
    return undefined;
  }
  return { ...base, auth: "password", username: username.trim(), password };
}
