// Tool: a registry's repositories, optionally those starting with a prefix
// (listRepositoryNames({ prefix }): a sorted catalog is read from just before
// the prefix and stops past it), at most maxResults of them.

import * as vscode from "vscode";
import { validateRepositoryPrefix } from "../../client/index";
import type { Services } from "../commands/shared/commandServices";
import type { ToolDefinition } from "./toolAdapter";
import { optionalInteger, optionalString, requiredString } from "./toolInput";
import { findConnectedRegistry, registryLabel } from "./toolRegistries";
import { completeness } from "./toolText";

export const DEFAULT_REPOSITORY_COUNT = 100;
const MAX_REPOSITORY_COUNT = 1000;

interface Input {
  registry: string;
  prefix?: string;
  maxResults: number;
}

export function listRepositoriesTool(services: Services): ToolDefinition<Input> {
  return {
    parse: (input) => {
      const prefix = optionalString(input, "prefix");
      if (prefix !== undefined) {
        validateRepositoryPrefix(prefix);
      }
      return {
        registry: requiredString(input, "registry"),
        prefix,
        maxResults: optionalInteger(input, "maxResults", 1, MAX_REPOSITORY_COUNT) ?? DEFAULT_REPOSITORY_COUNT,
      };
    },
    invocationMessage: (input) =>
      input.prefix
        ? vscode.l10n.t("Listing the repositories of {0} starting with {1}", input.registry, input.prefix)
        : vscode.l10n.t("Listing the repositories of {0}", input.registry),
    run: async (input, signal) => {
      const registry = findConnectedRegistry(services.connections, input.registry);
      const client = await services.connections.getClient(registry);
      const added = services.connections.addedRepositories(registry.id).filter((name) => name.startsWith(input.prefix ?? ""));
      const names: string[] = [];
      let more = false;
      try {
        for await (const name of client.listRepositoryNames({ prefix: input.prefix, abortSignal: signal })) {
          if (names.length === input.maxResults) {
            more = true;
            break;
          }
          names.push(name);
        }
      } catch (error) {
        // No catalog (Docker Hub) or none for these credentials: the names the user added are still known.
        if (added.length === 0 || signal.aborted) {
          throw error;
        }
        return [
          vscode.l10n.t("{0} refused to list its repositories: {1}", registryLabel(registry), (error as Error).message),
          vscode.l10n.t("Repositories the user added by name ({0}):", added.length),
          ...added,
        ].join("\n");
      }
      const heading = input.prefix
        ? vscode.l10n.t("Repositories of {0} starting with {1}:", registryLabel(registry), JSON.stringify(input.prefix))
        : vscode.l10n.t("Repositories of {0}:", registryLabel(registry));
      const lines = [
        heading,
        completeness(names.length, more, vscode.l10n.t("give a longer prefix, or a larger maxResults up to {0}", MAX_REPOSITORY_COUNT)),
        ...names,
      ];
      const notListed = added.filter((name) => !names.includes(name));
      if (notListed.length && !more) {
        lines.push(vscode.l10n.t("Added by name, not in the registry's catalog: {0}", notListed.join(", ")));
      }
      return lines.join("\n");
    },
  };
}
