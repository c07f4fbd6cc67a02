// Tool: deletes one tag (the manifest stays) or one manifest by digest (with
// every tag on it). prepareInvocation reads what the delete would remove (the
// tag's digest, the manifest's tags) and asks the user naming it; invoke
// deletes only if that is still what the registry has.

import * as vscode from "vscode";
import { type ArtifactPermissions, validateDigest, validateRepositoryName, validateTag } from "../../client/index";
import type { Services } from "../commands/shared/commandServices";
import { findRepositoryNode } from "../commands/shared/nodeTargets";
import type { SavedRegistry } from "../connections";
import { tagsText } from "./cleanupPlanText";
import { NotConfirmedError } from "./notConfirmed";
import { PreparedChanges } from "./preparedChanges";
import type { ToolDefinition } from "./toolAdapter";
import { exactlyOne, requiredString } from "./toolInput";
import { findConnectedRegistry, stillConnected } from "./toolRegistries";

interface Input {
  registry: string;
  repository: string;
  /** A tag, or a manifest's digest. */
  target: { kind: "tag"; tag: string } | { kind: "manifest"; digest: string };
}

interface PreparedDelete {
  registry: SavedRegistry;
  /** The manifest: the one the tag pointed at, or the one named. */
  digest: string;
  /** For a manifest: the tags that go with it, sorted. */
  tags: string[];
}

export function deleteTagOrManifestTool(services: Services): ToolDefinition<Input> {
  const prepared = new PreparedChanges<PreparedDelete>();

  /** What the registry has now: the digest and, for a manifest, its tags. */
  async function readState(registry: SavedRegistry, input: Input, signal: AbortSignal): Promise<{ digest: string; tags: string[] }> {
    const client = await services.connections.getClient(registry);
    if (input.target.kind === "tag") {
      const tag = await client.getTagProperties(input.repository, input.target.tag, { abortSignal: signal });
      refuseWhenLocked(tag, `${registry.loginServer}/${input.repository}:${input.target.tag}`);
      return { digest: tag.digest, tags: [input.target.tag] };
    }
    const manifest = await client.getManifestProperties(input.repository, input.target.digest, { abortSignal: signal });
    refuseWhenLocked(manifest, `${registry.loginServer}/${input.repository}@${input.target.digest}`);
    return { digest: manifest.digest, tags: [...manifest.tags].sort() };
  }

  return {
    parse: (input) => {
      const target = exactlyOne(input, "tag", "digest");
      return {
        registry: requiredString(input, "registry"),
        repository: validateRepositoryName(requiredString(input, "repository")),
        target:
          target.key === "tag"
            ? { kind: "tag", tag: validateTag(target.value) }
            : { kind: "manifest", digest: validateDigest(target.value) },
      };
    },
    invocationMessage: (input) =>
      input.target.kind === "tag"
        ? vscode.l10n.t("Deleting the tag {0}/{1}:{2}", input.registry, input.repository, input.target.tag)
        : vscode.l10n.t("Deleting the manifest {0}/{1}@{2}", input.registry, input.repository, input.target.digest),
    confirm: async (input, signal, key) => {
      const registry = findConnectedRegistry(services.connections, input.registry);
      const state = await readState(registry, input, signal);
      prepared.put(key, { registry, ...state });
      const where = `${registry.loginServer}/${input.repository}`;
      if (input.target.kind === "tag") {
        return {
          title: vscode.l10n.t("Delete the tag {0}:{1}?", where, input.target.tag),
          message: vscode.l10n.t(
            "The tag {0} (pointing at {1}) will be deleted. The manifest and its other tags stay.",
            input.target.tag,
            state.digest,
          ),
        };
      }
      return {
        title: vscode.l10n.t("Delete the manifest {0}@{1}?", where, state.digest),
        message: vscode.l10n.t(
          "The manifest {0} will be deleted, and with it {1}. This cannot be undone.",
          state.digest,
          goingTags(state.tags),
        ),
      };
    },
    run: async (input, signal, key) => {
      const change = prepared.take(key);
      if (!change) {
        throw new NotConfirmedError();
      }
      const { registry: confirmedOn } = change;
      const registry = stillConnected(services.connections, confirmedOn);
      const now = await readState(registry, input, signal);
      if (now.digest !== change.digest || now.tags.join("\n") !== change.tags.join("\n")) {
        throw new Error(
          vscode.l10n.t(
            "Nothing was deleted: the registry changed since the user confirmed (then {0} with {1}, now {2} with {3}). Invoke the tool again so that the user confirms what is there now.",
            change.digest,
            tagsText(change.tags),
            now.digest,
            tagsText(now.tags),
          ),
        );
      }
      const client = await services.connections.getClient(registry);
      const where = `${registry.loginServer}/${input.repository}`;
      let done: string;
      if (input.target.kind === "tag") {
        await client.deleteTag(input.repository, input.target.tag, { abortSignal: signal });
        done = vscode.l10n.t("Deleted the tag {0}:{1} (it pointed at {2}; the manifest stays).", where, input.target.tag, change.digest);
      } else {
        await client.deleteManifest(input.repository, change.digest, { abortSignal: signal });
        done = vscode.l10n.t("Deleted the manifest {0}@{1}, and with it {2}.", where, change.digest, goingTags(change.tags));
      }
      services.log.info(`Language model tool: ${done}`);
      const node = findRepositoryNode(services, { registry, repository: input.repository });
      if (node) {
        services.tree.refresh(node);
      }
      return done;
    },
  };
}

function refuseWhenLocked(permissions: ArtifactPermissions, what: string): void {
  if (permissions.canDelete === false || permissions.canWrite === false) {
    throw new Error(
      vscode.l10n.t("{0} is locked (delete or write disabled), so it cannot be deleted. The user can unlock it in the tree.", what),
    );
  }
}

function goingTags(tags: string[]): string {
  return tags.length ? vscode.l10n.t("its tags {0}", tags.join(", ")) : vscode.l10n.t("no tag (it is untagged)");
}
