// The read-only documents of inspectUris.ts: the inspector's Markdown, the
// manifest and the image config its digests link to (the registry's bytes, so
// that the text is what the digest names), the comparison's text. Each is read
// once per URI and kept (a digest's content never changes); the client's own
// caches mean they share every manifest and config they fetch.

import * as vscode from "vscode";
import type { ContainerRegistryClient } from "../../client/index";
import type { Connections } from "../connections";
import { abortSignalFor } from "../cancellation";
import { renderCompareText } from "./compareText";
import { type ImageDetails, readImageDetails } from "./imageDetails";
import { renderInspectMarkdown } from "./inspectMarkdown";
import { type DocumentKind, type ManifestDocumentName, parseDocumentUri } from "./inspectUris";
import { readConfigBytes } from "./configBytes";

/** Documents kept: each is a few KiB. */
const MAX_DOCUMENTS = 200;

export class InspectDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  constructor(private readonly connections: Connections) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const key = uri.toString();
    const cached = this.texts.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const name = parseDocumentUri(uri);
    if (!name) {
      throw new Error(vscode.l10n.t("{0} names no document of this extension", uri.toString()));
    }
    const text = await this.render(name.kind, name, token);
    this.texts.set(key, text);
    if (this.texts.size > MAX_DOCUMENTS) {
      this.texts.delete(this.texts.keys().next().value as string);
    }
    return text;
  }

  /** What the inspector and the comparison show, for a command that needs it too (the layer summary). */
  details(name: ManifestDocumentName, token?: vscode.CancellationToken): Promise<ImageDetails> {
    return this.withClient(name, token, (client, abortSignal) =>
      readImageDetails(client, name.repository, name.digest, name.tag, abortSignal),
    );
  }

  /** `read` with the client of the document's registry, cancelled with `token`. */
  private async withClient<T>(
    name: ManifestDocumentName,
    token: vscode.CancellationToken | undefined,
    read: (client: ContainerRegistryClient, abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const registry = this.connections.get(name.registryId);
    if (!registry) {
      throw new Error(vscode.l10n.t("The registry {0} is not connected", name.registryId));
    }
    const client = await this.connections.getClient(registry);
    const abort = abortSignalFor(token);
    try {
      return await read(client, abort.signal);
    } finally {
      abort.dispose();
    }
  }

  private async render(kind: DocumentKind, name: ManifestDocumentName, token: vscode.CancellationToken): Promise<string> {
    if (kind === "manifest" || kind === "config") {
      const bytes = await this.withClient(name, token, async (client, abortSignal) =>
        kind === "manifest"
          ? (await client.getManifest(name.repository, name.digest, { abortSignal })).content
          : readConfigBytes(client, name.repository, name.digest, abortSignal),
      );
      return Buffer.from(bytes).toString("utf8");
    }
    const details = await this.details(name, token);
    return kind === "inspect" ? renderInspectMarkdown(details, name) : renderCompareText(details);
  }
}
