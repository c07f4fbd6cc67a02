// What a referrer is, from its artifact type (the descriptor's `artifactType`,
// else the manifest's config media type, per image-spec manifest.md
// "Guidelines for Artifact Usage"), and the tags that stand for referrers.

export type ArtifactKind = "notary-signature" | "cosign-signature" | "spdx-sbom" | "cyclonedx-sbom" | "in-toto-attestation" | "other";

const KINDS: { kind: ArtifactKind; test: (type: string) => boolean }[] = [
  { kind: "notary-signature", test: (t) => t === "application/vnd.cncf.notary.signature" },
  {
    kind: "cosign-signature",
    test: (t) => t.startsWith("application/vnd.dev.cosign.") || t.startsWith("application/vnd.dev.sigstore.bundle"),
  },
  { kind: "spdx-sbom", test: (t) => t === "application/spdx+json" || t === "text/spdx" || t.startsWith("application/vnd.spdx") },
  { kind: "cyclonedx-sbom", test: (t) => t.startsWith("application/vnd.cyclonedx") },
  { kind: "in-toto-attestation", test: (t) => t.startsWith("application/vnd.in-toto") || t === "application/vnd.dsse.envelope.v1+json" },
];

export function artifactKind(artifactType: string | undefined): ArtifactKind {
  const type = (artifactType ?? "").split(";")[0].trim().toLowerCase();
  return KINDS.find((k) => k.test(type))?.kind ?? "other";
}

export function isSignatureKind(kind: ArtifactKind): boolean {
  return kind === "notary-signature" || kind === "cosign-signature";
}

export function isSbomKind(kind: ArtifactKind): boolean {
  return kind === "spdx-sbom" || kind === "cyclonedx-sbom";
}

/**
 * The subject digest a tag stands for, if it is a referrers fallback tag
 * (distribution spec v1.1 "Referrers Tag Schema": `<alg>-<hex>`) or one of
 * cosign's tags before the referrers API (`sha256-<hex>.sig`, `.att`, `.sbom`).
 */
export function subjectOfFallbackTag(tag: string): string | undefined {
  const match = /^(sha256-[a-f0-9]{64}|sha512-[a-f0-9]{128})(?:\.(?:sig|att|sbom))?$/.exec(tag);
  return match ? match[1].replace("-", ":") : undefined;
}
