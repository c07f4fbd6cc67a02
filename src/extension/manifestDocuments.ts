// Manifests as read-only JSON documents: a TextDocumentContentProvider for the
// `container-registry-manifest` scheme. URIs name the manifest by digest
// (`container-registry-manifest://<registry id>/<repository>@<digest>.json`),
// so the content behind a URI never changes and can be cached.

import * as vscode from "vscode";
import type { Connections } from "./connections";
import { abortSignalFor } from "./cancellation";

export const MANIFEST_SCHEME = "container-registry-manifest";

export class ManifestDocuments implements vscode.TextDocumentContentProvider {
  private readonly cache = new Map<string, string>();

  constructor(private readonly connections: Connections) {}

  static uriFor(registryId: string, repository: string, digest: string): vscode.Uri {
    return vscode.Uri.from({ scheme: MANIFEST_SCHEME, authority: registryId, path: `/${repository}@${digest}.json` });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const key = uri.toString();
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const registry = this.connections.get(uri.authority);
    if (!registry) {
      throw new Error(vscode.l10n.t("The registry of {0} is not connected", uri.toString()));
    }
    const pathWithoutJson = uri.path.replace(/^\//, "").replace(/\.json$/, "");
    const at = pathWithoutJson.lastIndexOf("@");
    const repository = pathWithoutJson.slice(0, at);
    const digest = pathWithoutJson.slice(at + 1);
    const client = await this.connections.getClient(registry);
    const abort = abortSignalFor(token);
    try {
      const { content } = await client.getManifest(repository, digest, { abortSignal: abort.signal });
      const text = prettyJson(content);
      this.cache.set(key, text);
      return text;
    } finally {
      abort.dispose();
    }
  }
}

/** Indented for reading; the exact bytes (and so the digest) are the registry's. */
function prettyJson(content: Uint8Array): string {
  const text = Buffer.from(content).toString("utf8");
  try {
    return JSON.stringify(JSON.parse(text), null, 2) + "\n";
  } catch {
    return text;
  }
}
