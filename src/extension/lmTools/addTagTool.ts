// Tool: puts a new tag on a manifest (the same bytes under another name, so the
// digest does not change; an existing tag of that name moves). prepareInvocation
// reads which manifest the source names and where the tag points now, and asks
// naming both; invoke tags exactly that digest if the tag has not moved since.

import * as vscode from "vscode";
import { RegistryNotFoundError, validateRepositoryName, validateTag, validateTagOrDigest } from "../../client/index";
import type { Services } from "../commands/shared/commandServices";
import { findRepositoryNode } from "../commands/shared/nodeTargets";
import type { SavedRegistry } from "../connections";
import { NotConfirmedError } from "./notConfirmed";
import { PreparedChanges } from "./preparedChanges";
import type { ToolDefinition } from "./toolAdapter";
import { requiredString } from "./toolInput";
import { findConnectedRegistry, stillConnected } from "./toolRegistries";

interface Input {
  registry: string;
  repository: string;
  /** The tag or digest of the manifest to tag. */
  source: string;
  tag: string;
}

interface PreparedTag {
  registry: SavedRegistry;
  digest: string;
  /** Where the tag pointed when the user confirmed; undefined when it was new. */
  previous?: string;
}

export function addTagTool(services: Services): ToolDefinition<Input> {
  const prepared = new PreparedChanges<PreparedTag>();

  async function currentTarget(registry: SavedRegistry, input: Input, signal: AbortSignal): Promise<string | undefined> {
    const client = await services.connections.getClient(registry);
    try {
      const tag = await client.getTagProperties(input.repository, input.tag, { abortSignal: signal });
      if (tag.canWrite === false) {
        throw new Error(vscode.l10n.t("The tag {0} is locked (write disabled): it cannot be moved.", input.tag));
      }
      return tag.digest;
    } catch (error) {
      if (error instanceof RegistryNotFoundError) {
        return undefined;
      }
      throw error;
    }
  }

  return {
    parse: (input) => ({
      registry: requiredString(input, "registry"),
      repository: validateRepositoryName(requiredString(input, "repository")),
      source: validateTagOrDigest(requiredString(input, "source")),
      tag: validateTag(requiredString(input, "tag")),
    }),
    invocationMessage: (input) => vscode.l10n.t("Tagging {0}/{1}:{2}", input.registry, input.repository, input.tag),
    confirm: async (input, signal, key) => {
      const registry = findConnectedRegistry(services.connections, input.registry);
      const client = await services.connections.getClient(registry);
      const { digest } = await client.getManifest(input.repository, input.source, { abortSignal: signal });
      const previous = await currentTarget(registry, input, signal);
      prepared.put(key, { registry, digest, previous });
      if (previous === digest) {
        return undefined;
      }
      const where = `${registry.loginServer}/${input.repository}`;
      const lines = [vscode.l10n.t("{0}:{1} will point at {2} (what {3} names now).", where, input.tag, digest, input.source)];
      if (previous) {
        lines.push(vscode.l10n.t("The tag exists and points at {0}: it moves away from that manifest.", previous));
      }
      return {
        title: previous
          ? vscode.l10n.t("Move the tag {0}:{1}?", where, input.tag)
          : vscode.l10n.t("Add the tag {0}:{1}?", where, input.tag),
        message: lines.join("\n"),
      };
    },
    run: async (input, signal, key) => {
      const change = prepared.take(key);
      if (!change) {
        throw new NotConfirmedError();
      }
      const { registry: confirmedOn, digest, previous } = change;
      const registry = stillConnected(services.connections, confirmedOn);
      const where = `${registry.loginServer}/${input.repository}:${input.tag}`;
      if (previous === digest) {
        return vscode.l10n.t("Nothing to do: {0} already points at {1}.", where, digest);
      }
      const now = await currentTarget(registry, input, signal);
      if (now !== previous) {
        throw new Error(
          vscode.l10n.t(
            "Nothing was changed: {0} moved since the user confirmed (then {1}, now {2}). Invoke the tool again so that the user confirms what is there now.",
            where,
            previous ?? vscode.l10n.t("no such tag"),
            now ?? vscode.l10n.t("no such tag"),
          ),
        );
      }
      const client = await services.connections.getClient(registry);
      await client.addTag(input.repository, digest, input.tag, { abortSignal: signal });
      services.log.info(`Language model tool: tagged ${where} -> ${digest}`);
      const node = findRepositoryNode(services, { registry, repository: input.repository });
      if (node) {
        services.tree.refresh(node);
      }
      return previous
        ? vscode.l10n.t("Moved {0} from {1} to {2}.", where, previous, digest)
        : vscode.l10n.t("Added {0}, pointing at {1}.", where, digest);
    },
  };
}
