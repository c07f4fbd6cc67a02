// Tool: the tags that point at one manifest (listTagProperties({ digest })).

import * as vscode from "vscode";
import { validateDigest, validateRepositoryName } from "../../client/index";
import type { Services } from "../commands/shared/commandServices";
import type { ToolDefinition } from "./toolAdapter";
import { requiredString } from "./toolInput";
import { findConnectedRegistry } from "./toolRegistries";

interface Input {
  registry: string;
  repository: string;
  digest: string;
}

export function findTagsOfDigestTool(services: Services): ToolDefinition<Input> {
  return {
    parse: (input) => ({
      registry: requiredString(input, "registry"),
      repository: validateRepositoryName(requiredString(input, "repository")),
      digest: validateDigest(requiredString(input, "digest")),
    }),
    invocationMessage: (input) => vscode.l10n.t("Finding the tags of {0} in {1}/{2}", input.digest, input.registry, input.repository),
    run: async (input, signal) => {
      const registry = findConnectedRegistry(services.connections, input.registry);
      const client = await services.connections.getClient(registry);
      // Fails with the registry's "manifest unknown" when there is no such manifest, rather than "no tags".
      const manifest = await client.getManifest(input.repository, input.digest, { abortSignal: signal });
      const tags: string[] = [];
      for await (const tag of client.listTagProperties(input.repository, { digest: input.digest, abortSignal: signal })) {
        tags.push(tag.name);
      }
      const where = `${registry.loginServer}/${input.repository}@${input.digest}`;
      return tags.length
        ? [vscode.l10n.t("{0} tags point at {1} ({2}):", tags.length, where, manifest.mediaType), ...tags].join("\n")
        : vscode.l10n.t("No tag points at {0} ({1}): it is untagged.", where, manifest.mediaType);
    },
  };
}
