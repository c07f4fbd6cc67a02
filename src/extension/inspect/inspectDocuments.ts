// The read-only documents of inspectUris.ts: the inspector's Markdown, an
// image config's JSON, the comparison's text. Each is read once per URI and
// kept (a digest's content never changes); the client's own caches mean the
// three share every manifest and config they fetch.

import * as vscode from "vscode";
import type { ContainerRegistryClient } from "../../client/index";
import type { Connections } from "../connections";
import { abortSignalFor } from "../cancellation";
import { renderCompareText } from "./compareText";
import { type ImageDetails, readImageDetails } from "./imageDetails";
import { renderInspectMarkdown } from "./inspectMarkdown";
import { COMPARE_SCHEME, CONFIG_SCHEME, INSPECT_SCHEME, type ManifestDocumentName, parseDocumentUri } from "./inspectUris";

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
    const text = await this.render(uri.scheme, name, token);
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

  private async render(scheme: string, name: ManifestDocumentName, token: vscode.CancellationToken): Promise<string> {
    if (scheme === CONFIG_SCHEME) {
      const { config } = await this.withClient(name, token, (client, abortSignal) =>
        client.getImageConfig(name.repository, name.digest, { abortSignal }),
      );
      return JSON.stringify(config, null, 2) + "\n";
    }
    const details = await this.details(name, token);
    if (scheme === INSPECT_SCHEME) {
      return renderInspectMarkdown(details, name.registryId);
    }
    if (scheme === COMPARE_SCHEME) {
      return renderCompareText(details);
    }
    throw new Error(vscode.l10n.t("Unknown document {0}", scheme));
  }
}
