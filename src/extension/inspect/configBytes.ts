// The image config's bytes as the registry serves them, for the document the
// inspector's Config link opens. The inspector itself reads the config through
// getImageConfig (parsed and cached), which cannot give the bytes back, so
// this reads the blob once more, when the link is followed: capped as
// getImageConfig caps it (MAX_CONFIG_BYTES, docs/protocols.md "Manifest size")
// and checked against its digest by downloadBlob before the stream ends.

import * as vscode from "vscode";
import { type ContainerRegistryClient, MAX_CONFIG_BYTES } from "../../client/index";

export async function readConfigBytes(
  client: ContainerRegistryClient,
  repository: string,
  manifestDigest: string,
  abortSignal: AbortSignal,
): Promise<Buffer> {
  const { manifest } = await client.getManifest(repository, manifestDigest, { abortSignal });
  const descriptor = manifest.config;
  if (!descriptor) {
    throw new Error(vscode.l10n.t("{0}@{1} has no config", repository, manifestDigest));
  }
  const tooLarge = () =>
    new Error(vscode.l10n.t("The config {0} is larger than {1} bytes, the most this extension reads", descriptor.digest, MAX_CONFIG_BYTES));
  if (descriptor.size > MAX_CONFIG_BYTES) {
    throw tooLarge();
  }
  const { content } = await client.downloadBlob(repository, descriptor.digest, { abortSignal });
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of content as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_CONFIG_BYTES) {
      (content as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
