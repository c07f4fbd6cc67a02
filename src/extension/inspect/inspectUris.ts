// Read-only documents about a manifest, named by registry id, repository and
// digest (content behind a digest never changes, so each is cached):
//   container-registry-inspect://<id>/<repo>@<digest>.md   the inspector (Markdown)
//   container-registry-config://<id>/<repo>@<digest>.json  the image config of that manifest
//   container-registry-compare://<id>/<repo>@<digest>.txt  the normalized text the comparison diffs
// A tag the user picked rides along in the query, for the heading only.

import * as vscode from "vscode";

export const INSPECT_SCHEME = "container-registry-inspect";
export const CONFIG_SCHEME = "container-registry-config";
export const COMPARE_SCHEME = "container-registry-compare";

const EXTENSIONS: Record<string, string> = { [INSPECT_SCHEME]: ".md", [CONFIG_SCHEME]: ".json", [COMPARE_SCHEME]: ".txt" };

export interface ManifestDocumentName {
  registryId: string;
  repository: string;
  digest: string;
  tag?: string;
}

export function documentUri(scheme: string, name: ManifestDocumentName): vscode.Uri {
  return vscode.Uri.from({
    scheme,
    authority: name.registryId,
    path: `/${name.repository}@${name.digest}${EXTENSIONS[scheme]}`,
    query: name.tag ? new URLSearchParams({ tag: name.tag }).toString() : "",
  });
}

export function parseDocumentUri(uri: vscode.Uri): ManifestDocumentName {
  const path = uri.path.replace(/^\//, "").slice(0, -(EXTENSIONS[uri.scheme]?.length ?? 0));
  const at = path.lastIndexOf("@");
  const tag = new URLSearchParams(uri.query).get("tag") ?? undefined;
  return { registryId: uri.authority, repository: path.slice(0, at), digest: path.slice(at + 1), ...(tag ? { tag } : {}) };
}
