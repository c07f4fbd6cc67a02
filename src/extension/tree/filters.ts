// What a registry row or a repository row is filtered by. A registry row: a
// repository-name prefix, which the library serves from the registry's sorted
// catalog (listRepositoryNames({ prefix })). A repository row: its manifests
// whose tags match a glob, or only the untagged ones; that filter runs on the
// pages as they are read, since no registry API filters tags by pattern.

import * as vscode from "vscode";
import { InvalidInputError } from "../../client/index";

export type ManifestFilter = { kind: "tags"; pattern: string; matcher: RegExp } | { kind: "untagged" };

/** A tag (OCI distribution spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`) with `*` and `?` as wildcards. */
const TAG_GLOB = /^[a-zA-Z0-9_.*?-]{1,128}$/;

/** A tag pattern, checked before it is used: `v1.*`, `*-rc?`, `latest`. */
export function tagGlob(pattern: string): ManifestFilter {
  if (!TAG_GLOB.test(pattern)) {
    throw new InvalidInputError(
      "tag pattern",
      pattern,
      pattern.length === 0 || pattern.length > 128
        ? "it must be 1 to 128 characters long"
        : "use the characters of a tag (letters, digits, '_', '.', '-') with * for any run of characters and ? for one",
    );
  }
  const source = pattern.replace(/[.*?-]/g, (c) => (c === "*" ? ".*" : c === "?" ? "." : `\\${c}`));
  return { kind: "tags", pattern, matcher: new RegExp(`^${source}$`) };
}

export function untaggedOnly(): ManifestFilter {
  return { kind: "untagged" };
}

/** Whether a manifest with these tags is shown under the filter. */
export function manifestMatches(filter: ManifestFilter, tags: readonly string[]): boolean {
  return filter.kind === "untagged" ? tags.length === 0 : tags.some((tag) => filter.matcher.test(tag));
}

/** The row's description while the filter is on. */
export function describeManifestFilter(filter: ManifestFilter): string {
  return filter.kind === "untagged" ? vscode.l10n.t("filter: untagged only") : vscode.l10n.t("filter: tags {0}", filter.pattern);
}

export function describePrefixFilter(prefix: string): string {
  return vscode.l10n.t("filter: {0}…", prefix);
}
