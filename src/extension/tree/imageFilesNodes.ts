// The rows under an image (a manifest that is an image, or a platform):
// Files, the image's merged file system, and Layers (N), one row per layer
// with its size and the build step that made it, each expanding to what that
// layer alone added, changed and deleted. Nothing is fetched to draw them but
// the manifest (for N, after the row is shown); the config is read when
// Layers is expanded, and the layers download (with Browse Files' progress,
// cancellable) only when Files or a layer is expanded.

import * as vscode from "vscode";
import { historySteps, type ImageLayer } from "../../client/index";
import { formatBytes, shortDigest } from "../format";
import { layerSummary } from "../imageFiles/layerSummary";
import { IMAGE_FILES_CONTEXT, IMAGE_LAYER_CONTEXT, IMAGE_LAYERS_CONTEXT } from "./contextValues";
import { imageEntryRows } from "./imageEntryNode";
import type { ImageRow } from "./imageFilesSource";
import { LoadedOnceNode } from "./loadedOnceNode";
import { imageFilesNodeId, imageLayerNodeId, imageLayersNodeId } from "./nodeIds";
import type { ManifestScope } from "./scope";
import { accessibleRow, appendField, inlineCode } from "./tooltips";
import type { TreeNode } from "./treeNode";

/**
 * The Files and Layers rows of an image row, in the order they are shown. The layers are counted
 * (the manifest only, cached by digest) before the rows are shown: a count arriving afterwards
 * would redraw the rows under the user's pointer, and a context menu opened on one loses its row.
 */
export async function imageFilesRows(row: ImageRow): Promise<[ImageFilesNode, ImageLayersNode]> {
  const layers = new ImageLayersNode(row);
  await layers.counted();
  return [new ImageFilesNode(row), layers];
}

export class ImageFilesNode extends LoadedOnceNode {
  readonly id: string;

  constructor(readonly parent: ImageRow) {
    super();
    this.id = imageFilesNodeId(parent.id);
  }

  get scope(): ManifestScope {
    return this.parent.scope;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t("Files"), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon("file-directory");
    item.contextValue = IMAGE_FILES_CONTEXT;
    item.tooltip = vscode.l10n.t(
      "The image's file system, all layers merged. Expanding it downloads the layers (or reads them from the cache); the download can be cancelled.",
    );
    item.accessibilityInformation = accessibleRow(
      vscode.l10n.t("Files"),
      vscode.l10n.t("of the image {0}", shortDigest(this.parent.digest)),
    );
    return item;
  }

  protected override async load(): Promise<TreeNode[]> {
    const files = await this.scope.tree.imageFiles();
    const root = await files.openImage(this.parent);
    return imageEntryRows(this, this.scope, files, root, "/");
  }
}

export class ImageLayersNode extends LoadedOnceNode {
  readonly id: string;
  /** How many layers the manifest lists, read once (the manifest only). */
  private count?: { state: "reading"; done: Promise<void> } | { state: "read"; layers: number } | { state: "failed" };
  private drawn = false;

  constructor(readonly parent: ImageRow) {
    super();
    this.id = imageLayersNodeId(parent.id);
  }

  get scope(): ManifestScope {
    return this.parent.scope;
  }

  getTreeItem(): vscode.TreeItem {
    this.drawn = true;
    const count = this.layerCount();
    const label = count === undefined ? vscode.l10n.t("Layers") : vscode.l10n.t("Layers ({0})", count);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon("layers");
    item.contextValue = IMAGE_LAYERS_CONTEXT;
    item.tooltip = vscode.l10n.t(
      "Each layer with its size and the build step that made it; a layer expands to what it alone added, changed and deleted.",
    );
    item.accessibilityInformation = accessibleRow(label, vscode.l10n.t("of the image {0}", shortDigest(this.parent.digest)));
    return item;
  }

  protected override async load(): Promise<TreeNode[]> {
    const client = await this.scope.client();
    const { manifest, config } = await client.getImageConfig(this.parent.repository, this.parent.digest);
    const descriptors = manifest.manifest.layers ?? [];
    // image-spec config.md "history": steps with empty_layer make no layer; the others match the layers in order.
    const steps = historySteps(config, manifest);
    const layers: ImageLayer[] = descriptors.map((descriptor, index) => {
      const step = steps.find((s) => s.layer === descriptor)?.entry;
      return {
        index,
        digest: descriptor.digest,
        size: descriptor.size,
        mediaType: descriptor.mediaType,
        // Registry-supplied JSON: only strings are taken.
        history: step ? { created: text(step.created), createdBy: text(step.created_by), comment: text(step.comment) } : undefined,
      };
    });
    if (this.count?.state !== "read" || this.count.layers !== layers.length) {
      this.count = { state: "read", layers: layers.length };
      this.scope.tree.changed(this);
    }
    return layers.map((layer) => new ImageLayerNode(this, layer));
  }

  /** Settles once the layers are counted, or the count failed (the row then says "Layers"). */
  async counted(): Promise<void> {
    this.layerCount();
    if (this.count?.state === "reading") {
      await this.count.done;
    }
  }

  /** The number of layers once read; starts reading the manifest the first time it is asked for. */
  private layerCount(): number | undefined {
    if (!this.count) {
      const reading: { state: "reading"; done: Promise<void> } = {
        state: "reading",
        done: this.readCount().then(
          (layers) => {
            if (this.count === reading) {
              this.count = { state: "read", layers };
              // Counted before the row was first drawn (imageFilesRows): nothing to redraw.
              if (this.drawn) {
                this.scope.tree.changed(this);
              }
            }
          },
          (error: unknown) => {
            // The row then says "Layers"; expanding it shows what went wrong.
            this.scope.tree.log.warn(
              `Could not count the layers of ${this.parent.repository}@${this.parent.digest}: ${(error as Error).message}`,
            );
            if (this.count === reading) {
              this.count = { state: "failed" };
            }
          },
        ),
      };
      this.count = reading;
    }
    return this.count.state === "read" ? this.count.layers : undefined;
  }

  private async readCount(): Promise<number> {
    const client = await this.scope.client();
    const { manifest } = await client.getManifest(this.parent.repository, this.parent.digest);
    return Array.isArray(manifest.layers) ? manifest.layers.length : 0;
  }
}

export class ImageLayerNode extends LoadedOnceNode {
  readonly id: string;

  constructor(
    readonly parent: ImageLayersNode,
    readonly layer: ImageLayer,
  ) {
    super();
    this.id = imageLayerNodeId(parent.id, layer.index);
  }

  get scope(): ManifestScope {
    return this.parent.scope;
  }

  getTreeItem(): vscode.TreeItem {
    const layer = this.layer;
    const label = vscode.l10n.t("Layer {0}", layer.index + 1);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = `${formatBytes(layer.size)} · ${layerSummary(layer)}`;
    item.iconPath = new vscode.ThemeIcon("layers-dot");
    item.contextValue = IMAGE_LAYER_CONTEXT;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${vscode.l10n.t("Created by:")}** `);
    if (layer.history?.createdBy) {
      tooltip.appendCodeblock(layer.history.createdBy, "shell");
    } else {
      tooltip.appendText(vscode.l10n.t("(the image config has no history step for this layer)"));
    }
    if (layer.history?.created) {
      appendField(tooltip, vscode.l10n.t("Created:"), layer.history.created);
    }
    if (layer.history?.comment) {
      appendField(tooltip, vscode.l10n.t("Comment:"), layer.history.comment);
    }
    appendField(tooltip, vscode.l10n.t("Size:"), vscode.l10n.t("{0} ({1} bytes, compressed)", formatBytes(layer.size), layer.size));
    tooltip.appendMarkdown(`\n\n**${vscode.l10n.t("Digest:")}** `).appendCodeblock(layer.digest, "text");
    tooltip.appendMarkdown(`**${vscode.l10n.t("Media type:")}** ${inlineCode(layer.mediaType)}`);
    tooltip.appendMarkdown("\n\n").appendText(vscode.l10n.t("Expand to see what this layer alone added (A), changed (M) and deleted (D)."));
    item.tooltip = tooltip;
    item.accessibilityInformation = accessibleRow(vscode.l10n.t("Layer"), String(layer.index + 1), item.description);
    return item;
  }

  protected override async load(): Promise<TreeNode[]> {
    const files = await this.scope.tree.imageFiles();
    const root = await files.openLayer(this.parent.parent, this.layer.index);
    return imageEntryRows(this, this.scope, files, root, "/");
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
