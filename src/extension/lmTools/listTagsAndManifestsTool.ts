// Tool: a repository's manifests with their tags, at most maxResults
// manifests; newest first where the registry orders by last update (ACR),
// otherwise in the registry's own order, and the result says which.

import * as vscode from "vscode";
import { type ArtifactManifestProperties, validateRepositoryName } from "../../client/index";
import type { Services } from "../commands/shared/commandServices";
import type { ToolDefinition } from "./toolAdapter";
import { optionalInteger, requiredString } from "./toolInput";
import { findConnectedRegistry } from "./toolRegistries";
import { completeness, manifestLine } from "./toolText";

export const DEFAULT_MANIFEST_COUNT = 50;
const MAX_MANIFEST_COUNT = 500;

interface Input {
  registry: string;
  repository: string;
  maxResults: number;
}

export function listTagsAndManifestsTool(services: Services): ToolDefinition<Input> {
  return {
    parse: (input) => ({
      registry: requiredString(input, "registry"),
      repository: validateRepositoryName(requiredString(input, "repository")),
      maxResults: optionalInteger(input, "maxResults", 1, MAX_MANIFEST_COUNT) ?? DEFAULT_MANIFEST_COUNT,
    }),
    invocationMessage: (input) => vscode.l10n.t("Listing the tags and manifests of {0}/{1}", input.registry, input.repository),
    run: async (input, signal) => {
      const registry = findConnectedRegistry(services.connections, input.registry);
      const client = await services.connections.getClient(registry);
      const { ordering } = await services.connections.getCapabilities(registry);
      const manifests = new Map<string, ArtifactManifestProperties>();
      let more = false;
      const listing = client.listManifestProperties(input.repository, {
        order: ordering ? "LastUpdatedOnDescending" : undefined,
        abortSignal: signal,
      });
      for await (const manifest of listing) {
        const seen = manifests.get(manifest.digest);
        if (seen) {
          // A plain registry lists by tag page: one manifest's tags can come in two pages.
          seen.tags = [...new Set([...seen.tags, ...manifest.tags])];
          continue;
        }
        if (manifests.size === input.maxResults) {
          more = true;
          break;
        }
        manifests.set(manifest.digest, { ...manifest, tags: [...manifest.tags] });
      }
      const where = `${registry.loginServer}/${input.repository}`;
      const all = [...manifests.values()];
      const tagCount = all.reduce((sum, m) => sum + m.tags.length, 0);
      return [
        vscode.l10n.t("Manifests of {0} with their tags ({1} tags on these manifests).", where, tagCount),
        ordering
          ? vscode.l10n.t("Order: newest first by last update (the registry's ordering).")
          : vscode.l10n.t("Order: the registry's own (it cannot order by time; a plain registry lists only tagged manifests)."),
        completeness(all.length, more, vscode.l10n.t("a larger maxResults up to {0}", MAX_MANIFEST_COUNT)),
        ...all.map(manifestLine),
      ].join("\n");
    },
  };
}
