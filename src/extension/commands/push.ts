// Push: workspace files and folders (shared/artifactFiles.ts), with an
// artifact type, as an OCI artifact through the library's pushFiles
// (layout/fileArtifact.ts there): one blob per file with its name in the
// `org.opencontainers.image.title` annotation, the empty config (so
// `artifactType` is set), a manifest, and a tag. The blobs go up several at
// a time, each skipped when the repository has it, resumed when the
// connection breaks (the files are reopened at the offset).

import * as path from "node:path";
import * as vscode from "vscode";
import { formatReference, type OciDescriptor, validateTag } from "../../client/index";
import { withTransferProgress } from "../progress";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { chooseArtifactType, expandArtifactPaths, pickArtifactPaths } from "./shared/artifactFiles";
import { askTag } from "./shared/askTag";
import { regularFileSize } from "./shared/pickFiles";
import { resolveRepository, validateGivenNames } from "./shared/itemTargets";
import { findRepositoryNode } from "./shared/nodeTargets";

export interface PushResult {
  reference: string;
  digest: string;
  layers: OciDescriptor[];
}

export async function push(services: Services, node: TreeNode | undefined, options: CommandOptions): Promise<PushResult | undefined> {
  validateGivenNames(options);
  const picked = await pickArtifactPaths(options, vscode.l10n.t("Push as Artifact"));
  if (!picked?.length) {
    return undefined;
  }
  const files = await expandArtifactPaths(picked, services.log);
  const names = files.map((f) => path.basename(f));
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) {
    throw new Error(vscode.l10n.t("Two files are named {0}; an artifact's files need distinct names", duplicate));
  }
  const sizes = await Promise.all(files.map(regularFileSize));
  const where = await resolveRepository(services, node, options, true);
  if (!where) {
    return undefined;
  }
  const tag = options.tag ?? (await askTag(vscode.l10n.t("Tag for {0}", where.repository), "latest"));
  if (tag === undefined) {
    return undefined;
  }
  validateTag(tag);
  const artifactType = await chooseArtifactType(options);
  if (artifactType === undefined) {
    return undefined;
  }
  const client = await services.connections.getClient(where.registry);
  const reference = formatReference(where.registry.loginServer, where.repository, tag);
  const filesTotal = sizes.reduce((a, b) => a + b, 0);
  const result = await withTransferProgress(
    { title: vscode.l10n.t("Pushing {0}", reference), cancellationToken: options.cancellationToken, onProgress: options.onProgress },
    async (progress) => {
      let blobsDone = 0;
      progress.setStep(vscode.l10n.t("Reading {0} files", files.length));
      const pushed = await client.pushFiles(
        where.repository,
        files.map((file) => ({ path: file })),
        {
          tag,
          artifactType,
          annotations: { "org.opencontainers.image.created": new Date().toISOString() },
          abortSignal: progress.signal,
          // The user's files make the total; the 2-byte empty config (image-spec manifest.md) is not one of them.
          onProgress: (p) =>
            progress.report(
              Math.min(filesTotal, Math.max(0, p.transferredBytes - ((p.totalBytes ?? filesTotal) - filesTotal))),
              filesTotal,
            ),
          onBlob: () => progress.setStep(vscode.l10n.t("{0} blobs stored", ++blobsDone)),
        },
      );
      return { reference, digest: pushed.digest, layers: pushed.layers };
    },
  );
  services.log.info(`Pushed ${reference} (${result.digest}): ${names.join(", ")}`);
  const repositoryNode = findRepositoryNode(services, where);
  services.tree.refresh(repositoryNode ?? services.tree.getRegistryNode(where.registry.id));
  if (!options.files) {
    const copy = vscode.l10n.t("Copy Reference");
    void vscode.window.showInformationMessage(vscode.l10n.t("Pushed {0} ({1}).", reference, result.digest), copy).then((choice) => {
      if (choice === copy) {
        void vscode.env.clipboard.writeText(`${where.registry.loginServer}/${where.repository}@${result.digest}`);
      }
    });
  }
  return result;
}
