// What the Azure group's nodes need from the outside.

import type { Connections } from "../../connections";
import type { Log } from "../../log";
import type { TreeContext } from "../../tree/treeNode";
import type { ArmApi } from "../armAccess";
import type { AzureCloud } from "../cloud";
import type { AzureSessionSource } from "../sessionSource";

export interface AzureContext {
  readonly log: Log;
  readonly connections: Connections;
  /** For the registry nodes, which are the tree's own RegistryNodes. */
  readonly treeContext: TreeContext;
  /** The session source in use (VS Code's, or a test's). */
  source(): AzureSessionSource;
  /** Read at each listing, so a changed setting applies on refresh. */
  cloud(): AzureCloud;
  /** Subscription ids to show, lower case; empty for all. */
  subscriptionFilter(): Set<string>;
  arm(): Promise<ArmApi>;
}
