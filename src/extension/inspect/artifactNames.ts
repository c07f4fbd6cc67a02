// Friendly names of referrer kinds (library images/artifactKinds.ts), in the display language.

import * as vscode from "vscode";
import type { ArtifactKind } from "../../client/index";

export function artifactKindName(kind: ArtifactKind, artifactType: string): string {
  switch (kind) {
    case "notary-signature":
      return vscode.l10n.t("Notary signature");
    case "cosign-signature":
      return vscode.l10n.t("Cosign signature");
    case "spdx-sbom":
      return vscode.l10n.t("SPDX SBOM");
    case "cyclonedx-sbom":
      return vscode.l10n.t("CycloneDX SBOM");
    case "in-toto-attestation":
      return vscode.l10n.t("in-toto attestation");
    default:
      return artifactType;
  }
}
