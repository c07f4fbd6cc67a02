// Credentials the user already has in Docker's config (~/.docker/config.json,
// or $DOCKER_CONFIG/config.json): `auths` (base64 "user:pass", or an
// `identitytoken`), a `credsStore` for all hosts, and per-host `credHelpers`,
// which run `docker-credential-<name> get` with the host on stdin and answer
// `{"Username","Secret"}` (docker-credential-helpers protocol).
// Nothing read here is stored by the extension: it is read again when needed.

import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";

export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export interface DockerCredential {
  username: string;
  password: string;
}

/** Where the credential for a host comes from, for the connect picker. */
export interface DockerConfigEntry {
  /** `host[:port]` as Docker keys it (Docker Hub's `https://index.docker.io/v1/` becomes `index.docker.io`). */
  host: string;
  source: "auths" | "credHelpers" | "credsStore";
  /** The helper program's suffix, for credHelpers/credsStore. */
  helper?: string;
}

/** The username Docker stores with an `identitytoken` (ACR's refresh tokens are used as the password with it). */
export const IDENTITY_TOKEN_USERNAME = "00000000-0000-0000-0000-000000000000";
const HELPER_TIMEOUT_MS = 15_000;

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.DOCKER_CONFIG ?? path.join(os.homedir(), ".docker"), "config.json");
}

export async function readDockerConfig(file = dockerConfigPath()): Promise<DockerConfigFile | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `https://host/v1/`, `host`, `host:5000` -> `host[:port]`, lowercased. */
export function normalizeDockerHost(key: string): string {
  const withoutScheme = key.trim().replace(/^[a-z]+:\/\//i, "");
  const host = withoutScheme.split("/")[0].toLowerCase();
  return host === "index.docker.io" || host === "registry-1.docker.io" || host === "docker.io" ? "index.docker.io" : host;
}

/** The hosts the config has credentials for, with where each comes from. */
export function listDockerConfigEntries(config: DockerConfigFile | undefined): DockerConfigEntry[] {
  if (!config) {
    return [];
  }
  const entries = new Map<string, DockerConfigEntry>();
  for (const key of Object.keys(config.auths ?? {})) {
    const host = normalizeDockerHost(key);
    entries.set(host, config.credsStore ? { host, source: "credsStore", helper: config.credsStore } : { host, source: "auths" });
  }
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    const host = normalizeDockerHost(key);
    entries.set(host, { host, source: "credHelpers", helper });
  }
  return [...entries.values()].sort((a, b) => a.host.localeCompare(b.host));
}

/** The credential for `host` (a login server), or undefined when the config has none. */
export async function getDockerCredential(
  host: string,
  config: DockerConfigFile | undefined,
  runHelper: (helper: string, serverUrl: string) => Promise<DockerCredential | undefined> = runCredentialHelper,
): Promise<DockerCredential | undefined> {
  if (!config) {
    return undefined;
  }
  const wanted = normalizeDockerHost(host);
  const helperEntry = Object.entries(config.credHelpers ?? {}).find(([key]) => normalizeDockerHost(key) === wanted);
  if (helperEntry) {
    return runHelper(helperEntry[1], helperEntry[0]);
  }
  const authEntry = Object.entries(config.auths ?? {}).find(([key]) => normalizeDockerHost(key) === wanted);
  const inline = authEntry ? decodeAuthsEntry(authEntry[1]) : undefined;
  if (inline) {
    return inline;
  }
  if (config.credsStore) {
    return runHelper(config.credsStore, authEntry?.[0] ?? wanted);
  }
  return undefined;
}

export function decodeAuthsEntry(entry: NonNullable<DockerConfigFile["auths"]>[string]): DockerCredential | undefined {
  if (entry.identitytoken) {
    return { username: IDENTITY_TOKEN_USERNAME, password: entry.identitytoken };
  }
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
  }
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** Runs `docker-credential-<helper> get`; a "not found" answer (non-zero exit) is no credential. */
export function runCredentialHelper(helper: string, serverUrl: string): Promise<DockerCredential | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
    return Promise.reject(
      new Error(vscode.l10n.t("Refusing to run Docker credential helper with an unusual name: {0}", JSON.stringify(helper))),
    );
  }
  return new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${helper}`, ["get"], { timeout: HELPER_TIMEOUT_MS }, (error, stdout) => {
      if (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          reject(new Error(vscode.l10n.t("Docker credential helper docker-credential-{0} is not installed or not on PATH", helper)));
        } else {
          // Helpers exit non-zero with "credentials not found in native keychain" for unknown hosts.
          resolve(undefined);
        }
        return;
      }
      try {
        const answer = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (typeof answer.Secret !== "string" || answer.Secret.length === 0) {
          resolve(undefined);
          return;
        }
        const username = answer.Username && answer.Username !== "<token>" ? answer.Username : IDENTITY_TOKEN_USERNAME;
        resolve({ username, password: answer.Secret });
      } catch {
        reject(new Error(vscode.l10n.t("Docker credential helper docker-credential-{0} answered with something that is not JSON", helper)));
      }
    });
    child.stdin?.end(serverUrl);
  });
}
