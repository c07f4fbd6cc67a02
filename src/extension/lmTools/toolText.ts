// Plain-text pieces of the tools' results: a model reads them, so values are
// exact (full digests, byte counts, ISO times) and every list says whether it
// is complete.

import * as vscode from "vscode";
import { type ArtifactManifestProperties, formatPlatform } from "../../client/index";
import { formatBytes } from "../format";

/** `1234 bytes (1.2 KB)`. */
export function bytesText(bytes: number): string {
  return vscode.l10n.t("{0} bytes ({1})", bytes, formatBytes(bytes));
}

/** Said after a bounded list. */
export function completeness(shown: number, more: boolean, howToSeeMore: string): string {
  return more
    ? vscode.l10n.t("{0} shown; more available ({1}).", shown, howToSeeMore)
    : vscode.l10n.t("{0} in all (complete list).", shown);
}

/** One manifest on one line: digest, tags, platform, size, time, type, locks. */
export function manifestLine(manifest: ArtifactManifestProperties): string {
  const parts = [manifest.tags.length ? vscode.l10n.t("tags: {0}", manifest.tags.join(", ")) : vscode.l10n.t("untagged")];
  if (manifest.relatedArtifacts.length) {
    const platforms = manifest.relatedArtifacts.map((p) =>
      p.operatingSystem || p.architecture
        ? formatPlatform({ os: p.operatingSystem ?? "?", architecture: p.architecture ?? "?" })
        : p.digest,
    );
    parts.push(vscode.l10n.t("index of: {0}", platforms.join(", ")));
  } else if (manifest.operatingSystem || manifest.architecture) {
    parts.push(
      vscode.l10n.t("platform: {0}", formatPlatform({ os: manifest.operatingSystem ?? "?", architecture: manifest.architecture ?? "?" })),
    );
  }
  if (manifest.sizeInBytes !== undefined) {
    parts.push(vscode.l10n.t("size: {0}", bytesText(manifest.sizeInBytes)));
  }
  if (manifest.lastUpdatedOn) {
    parts.push(vscode.l10n.t("last updated: {0}", manifest.lastUpdatedOn.toISOString()));
  }
  if (manifest.artifactType) {
    parts.push(vscode.l10n.t("artifact type: {0}", manifest.artifactType));
  } else if (manifest.mediaType) {
    parts.push(vscode.l10n.t("media type: {0}", manifest.mediaType));
  }
  const locks = [
    manifest.canWrite === false ? vscode.l10n.t("write disabled") : "",
    manifest.canDelete === false ? vscode.l10n.t("delete disabled") : "",
  ].filter(Boolean);
  if (locks.length) {
    parts.push(vscode.l10n.t("locked ({0})", locks.join(", ")));
  }
  return `- ${manifest.digest}; ${parts.join("; ")}`;
}
