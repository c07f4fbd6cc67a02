// Read-only documents about a manifest, named by registry id, repository, the
// tag the user picked (for the heading only) and digest; content behind a
// digest never changes, so each is cached:
//   container-registry-inspect://<id>/<repo>[:<tag>]@<digest>.md   the inspector (Markdown)
//   container-registry-inspect://<id>/<repo>@<digest>.manifest.json the manifest, the registry's bytes
//   container-registry-inspect://<id>/<repo>@<digest>.config.json   that manifest's image config, the registry's bytes
//   container-registry-compare://<id>/<repo>[:<tag>]@<digest>.txt  the normalized text the comparison diffs
//
// The inspector links to the others with relative links, which is why they
// share its scheme and the tag sits in the path: VS Code's Markdown preview
// opens a relative link itself (resolved against the document's URI, whose
// scheme, authority and query it keeps), while a link with a scheme of its own
// goes to the webview, which opens only http(s), mailto and vscode links, so a
// `container-registry-…:` link does nothing when clicked.

import * as vscode from "vscode";

export const INSPECT_SCHEME = "container-registry-inspect";
export const COMPARE_SCHEME = "container-registry-compare";

export type DocumentKind = "inspect" | "manifest" | "config" | "compare";

const SCHEMES: Record<DocumentKind, string> = {
  inspect: INSPECT_SCHEME,
  manifest: INSPECT_SCHEME,
  config: INSPECT_SCHEME,
  compare: COMPARE_SCHEME,
};

/** Longest first: ".manifest.json" must not be read as some other ".json". */
const SUFFIXES: [DocumentKind, string][] = [
  ["manifest", ".manifest.json"],
  ["config", ".config.json"],
  ["inspect", ".md"],
  ["compare", ".txt"],
];

export interface ManifestDocumentName {
  registryId: string;
  repository: string;
  digest: string;
  tag?: string;
}

function suffixOf(kind: DocumentKind): string {
  return SUFFIXES.find(([k]) => k === kind)![1];
}

function nameInPath(name: ManifestDocumentName): string {
  return `${name.repository}${name.tag ? `:${name.tag}` : ""}@${name.digest}`;
}

export function documentUri(kind: DocumentKind, name: ManifestDocumentName): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEMES[kind], authority: name.registryId, path: `/${nameInPath(name)}${suffixOf(kind)}` });
}

/**
 * A link from the document of `from` to the `kind` document of `digest` in the
 * same repository, relative to `from`'s URI (`./<last path component>@<digest><suffix>`),
 * with no tag: the tag named `from`, not what the link names.
 */
export function relativeLink(from: ManifestDocumentName, kind: Exclude<DocumentKind, "compare">, digest: string): string {
  const lastComponent = from.repository.slice(from.repository.lastIndexOf("/") + 1);
  return `./${lastComponent}@${digest}${suffixOf(kind)}`;
}

/** What a document URI names; undefined for a path this extension does not write (a typed or stale URI). */
export function parseDocumentUri(uri: vscode.Uri): (ManifestDocumentName & { kind: DocumentKind }) | undefined {
  const entry = SUFFIXES.find(([kind, suffix]) => SCHEMES[kind] === uri.scheme && uri.path.endsWith(suffix));
  if (!entry) {
    return undefined;
  }
  const [kind, suffix] = entry;
  const path = uri.path.replace(/^\//, "").slice(0, -suffix.length);
  const at = path.lastIndexOf("@");
  if (at <= 0) {
    return undefined;
  }
  // Neither a repository name nor a tag holds ':', so the first one in the last component starts the tag.
  const reference = path.slice(0, at);
  const lastComponentStart = reference.lastIndexOf("/") + 1;
  const colon = reference.indexOf(":", lastComponentStart);
  const repository = colon < 0 ? reference : reference.slice(0, colon);
  const tag = colon < 0 ? undefined : reference.slice(colon + 1);
  return { kind, registryId: uri.authority, repository, digest: path.slice(at + 1), ...(tag ? { tag } : {}) };
}
