// The Azure group's wiring: shown once the user signs in to Azure (kept in
// global state), redrawn when a setting or a session changes, with VS Code's
// sign-in as the session source unless a test put its own in.

import * as vscode from "vscode";
import type { Services } from "../commands/shared/commandServices";
import { configuredPageSize } from "../tree/registryTreeDataProvider";
import type { TreeNode } from "../tree/treeNode";
import { loadArmApi } from "./armAccess";
import { registerAzureCommands } from "./azureCommands";
import { AZURE_SETTINGS, currentCloud, subscriptionFilter } from "./azureSettings";
import type { AzureCloud } from "./cloud";
import { CA_CERTIFICATE_SETTING } from "../trustedCertificates";
import { type AzureSessionSource, VsCodeSessionSource } from "./sessionSource";
import type { AzureContext } from "./tree/azureContext";
import { AzureGroupNode } from "./tree/azureGroupNode";

const VISIBLE_KEY = "containerRegistryExplorer.azure.visible";

/** What the extension's API exposes of the Azure group (for tests). */
export interface AzureApi {
  readonly group: AzureGroupNode;
  /** Replaces VS Code's sign-in with `source` until the returned disposable is disposed. */
  useSessionSource(source: AzureSessionSource): vscode.Disposable;
}

export class AzureFeature implements vscode.Disposable {
  readonly group: AzureGroupNode;
  private sessionSource: AzureSessionSource = new VsCodeSessionSource();
  private sessionListener?: vscode.Disposable;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: Services) {
    const context: AzureContext = {
      log: services.log,
      connections: services.connections,
      treeContext: {
        connections: services.connections,
        log: services.log,
        pageSize: configuredPageSize,
        imageFiles: () => services.tree.imageFiles(),
        changed: (node) => services.tree.changed(node),
      },
      source: () => this.sessionSource,
      cloud: () => this.cloud(),
      subscriptionFilter,
      arm: () => loadArmApi(services.log),
    };
    this.group = new AzureGroupNode(context);
    services.tree.setLeadingRoots(() => (this.visible ? [this.group] : []));
    this.listenToSessions();
    void this.publishVisibility();
    this.disposables.push(
      ...registerAzureCommands(services, this),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if ([...AZURE_SETTINGS, CA_CERTIFICATE_SETTING].some((setting) => event.affectsConfiguration(setting))) {
          this.redraw();
        }
      }),
    );
  }

  get visible(): boolean {
    return this.services.context.globalState.get<boolean>(VISIBLE_KEY, false);
  }

  source(): AzureSessionSource {
    return this.sessionSource;
  }

  cloud(): AzureCloud {
    return currentCloud();
  }

  subscriptionFilter(): Set<string> {
    return subscriptionFilter();
  }

  async show(): Promise<void> {
    if (!this.visible) {
      await this.services.context.globalState.update(VISIBLE_KEY, true);
      await this.publishVisibility();
      this.redraw();
    }
  }

  async hide(): Promise<void> {
    await this.services.context.globalState.update(VISIBLE_KEY, false);
    await this.publishVisibility();
    this.redraw();
  }

  /** Every node of the group read so far. */
  loadedNodes(): TreeNode[] {
    const nodes: TreeNode[] = [];
    const queue: TreeNode[] = [this.group];
    while (queue.length) {
      const node = queue.shift()!;
      nodes.push(node);
      queue.push(...node.loadedChildren());
    }
    return nodes;
  }

  get api(): AzureApi {
    return {
      group: this.group,
      useSessionSource: (source) => {
        const previous = this.sessionSource;
        this.sessionSource = source;
        this.listenToSessions();
        this.redraw();
        return new vscode.Disposable(() => {
          this.sessionSource = previous;
          this.listenToSessions();
          this.redraw();
        });
      },
    };
  }

  private redraw(): void {
    this.services.tree.refresh(this.group);
    this.services.tree.changed(undefined);
  }

  private listenToSessions(): void {
    this.sessionListener?.dispose();
    this.sessionListener = this.sessionSource.onDidChangeSessions(() => this.redraw());
  }

  private async publishVisibility(): Promise<void> {
    await vscode.commands.executeCommand("setContext", "containerRegistryExplorer.azureVisible", this.visible);
  }

  dispose(): void {
    this.sessionListener?.dispose();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
