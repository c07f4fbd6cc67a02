// Push: workspace files as an OCI artifact (image-spec manifest.md, "Guidelines
// for Artifact Usage"): one blob per file with its name in the
// `org.opencontainers.image.title` annotation, the empty config
// (`application/vnd.oci.empty.v1+json`, so `artifactType` is set), a manifest,
// and a tag.

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { fileBlobSource, formatReference, MediaTypes, OciDescriptor, validateTag } from "../../client/index";
import { formatBytes } from "../format";
import { withTransferProgress } from "../progress";
import type { TreeNode } from "../tree/treeNode";
import { CommandOptions, Services, toUri } from "./shared/commandServices";
import { resolveRepository, validateGivenNames } from "./shared/itemTargets";
import { findRepositoryNode } from "./shared/nodeTargets";
import { TITLE_ANNOTATION } from "./pull";

/** What ORAS uses for files, and for an artifact without a type of its own. */
export const FILE_LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar";
export const DEFAULT_ARTIFACT_TYPE = "application/vnd.unknown.artifact.v1";

export interface PushResult {
  reference: string;
  digest: string;
  layers: OciDescriptor[];
}

export async function push(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<PushResult | undefined> {
  validateGivenNames(options);
  const files = await pickFiles(options, true, "Push as Artifact");
  if (!files?.length) {
    return undefined;
  }
  const names = files.map((f) => path.basename(f));
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) {
    throw new Error(`Two files are named ${duplicate}; an artifact's files need distinct names`);
  }
  const sizes = await Promise.all(files.map(regularFileSize));
  const where = await resolveRepository(services, node, options, true);
  if (!where) {
    return undefined;
  }
  const tag = options.tag ?? (await askTag(where.repository));
  if (tag === undefined) {
    return undefined;
  }
  validateTag(tag);
  const client = await services.connections.getClient(where.registry);
  const reference = formatReference(where.registry.loginServer, where.repository, tag);
  const total = sizes.reduce((a, b) => a + b, 0);
  const result = await withTransferProgress(
    { title: `Pushing ${reference}`, cancellationToken: options.cancellationToken, onProgress: options.onProgress },
    async (progress) => {
      // The empty config: its bytes are "{}" (image-spec manifest.md, "Guidance for an Empty Descriptor").
      await client.uploadBlob(where.repository, Buffer.from("{}"), { abortSignal: progress.signal });
      const layers: OciDescriptor[] = [];
      let done = 0;
      for (const [i, file] of files.entries()) {
        progress.setStep(`${names[i]} (${formatBytes(sizes[i])})`);
        // Reopenable, so a broken upload resumes; the file is opened only when its bytes are sent,
        // and the client refuses a file that no longer has the size read here.
        const source = await fileBlobSource(file);
        const uploaded = await client.uploadBlob(where.repository, source, {
          abortSignal: progress.signal,
          onProgress: (p) => progress.report(done + p.transferredBytes, total),
        });
        done += uploaded.sizeInBytes;
        layers.push({ mediaType: FILE_LAYER_MEDIA_TYPE, digest: uploaded.digest, size: uploaded.sizeInBytes, annotations: { [TITLE_ANNOTATION]: names[i] } });
      }
      progress.setStep("manifest");
      const manifest = {
        schemaVersion: 2,
        mediaType: MediaTypes.OCI_MANIFEST,
        artifactType: options.artifactType ?? DEFAULT_ARTIFACT_TYPE,
        config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2, data: "e30=" },
        layers,
        annotations: { "org.opencontainers.image.created": new Date().toISOString() },
      };
      const { digest } = await client.setManifest(where.repository, manifest, { tag, mediaType: MediaTypes.OCI_MANIFEST, abortSignal: progress.signal });
      return { reference, digest, layers };
    },
  );
  services.log.info(`Pushed ${reference} (${result.digest}): ${names.join(", ")}`);
  const repositoryNode = findRepositoryNode(services, where);
  services.tree.refresh(repositoryNode ?? services.tree.getRegistryNode(where.registry.id));
  if (!options.files) {
    const copy = "Copy Reference";
    void vscode.window.showInformationMessage(`Pushed ${reference} (${result.digest}).`, copy).then((choice) => {
      if (choice === copy) {
        void vscode.env.clipboard.writeText(`${where.registry.loginServer}/${where.repository}@${result.digest}`);
      }
    });
  }
  return result;
}

/** Files from the options, or from an open dialog in the workspace. */
export async function pickFiles(options: CommandOptions, many: boolean, openLabel: string): Promise<string[] | undefined> {
  if (options.files) {
    return options.files.map((f) => toUri(f).fsPath);
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: many,
    openLabel,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.map((uri) => uri.fsPath);
}

export async function regularFileSize(file: string): Promise<number> {
  const stat = await fs.promises.stat(file);
  if (!stat.isFile()) {
    throw new Error(`${file} is not a regular file`);
  }
  return stat.size;
}

function askTag(repository: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: `Tag for ${repository}`,
    prompt: "The tag the artifact gets",
    value: "latest",
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        validateTag(value);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
}
