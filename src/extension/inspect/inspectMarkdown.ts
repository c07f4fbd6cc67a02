// The inspector's document: a Markdown rendering of ImageDetails, opened in
// VS Code's Markdown preview (which follows the color theme and is a normal,
// keyboard-navigable document). Digests link to the documents they name: the
// manifest's and the config's bytes, a platform's or a referrer's own
// inspector; relative links, the only kind the preview opens (inspectUris.ts).

import * as vscode from "vscode";
import { formatPlatform, type ReferrerNode } from "../../client/index";
import { formatBytes, shortDigest } from "../format";
import { artifactKindName } from "./artifactNames";
import type { ImageDetails } from "./imageDetails";
import { referenceOf } from "./imageDetails";
import { type ManifestDocumentName, relativeLink } from "./inspectUris";
import { code, link, table, text } from "./markdownText";

/** `document`: the inspector document being rendered, which the links are relative to. */
export function renderInspectMarkdown(details: ImageDetails, document: ManifestDocumentName): string {
  const { manifest } = details;
  const manifestLink = link(code(manifest.digest), relativeLink(document, "manifest", manifest.digest));
  const sections: string[] = [];
  const heading = details.isIndex
    ? vscode.l10n.t("Image index {0}", referenceOf(details))
    : vscode.l10n.t("Image {0}", referenceOf(details));
  sections.push(`# ${text(heading)}`);

  const config = details.image?.config;
  const rows: string[][] = [
    [vscode.l10n.t("Reference"), code(referenceOf(details))],
    [vscode.l10n.t("Digest"), manifestLink],
    [vscode.l10n.t("Media type"), code(manifest.mediaType)],
  ];
  if (manifest.manifest.artifactType) {
    rows.push([vscode.l10n.t("Artifact type"), code(manifest.manifest.artifactType)]);
  }
  if (details.isIndex) {
    rows.push([
      vscode.l10n.t("Platforms"),
      text(details.size.platforms.map((p) => (p.platform ? formatPlatform(p.platform) : vscode.l10n.t("unknown"))).join(", ")),
    ]);
  } else if (config?.platform) {
    rows.push([vscode.l10n.t("Platform"), text(formatPlatform(config.platform))]);
  }
  if (typeof config?.config.created === "string") {
    rows.push([vscode.l10n.t("Created"), text(config.config.created)]);
  }
  rows.push([
    vscode.l10n.t("Compressed size"),
    text(vscode.l10n.t("{0} ({1} bytes)", formatBytes(details.size.sizeInBytes), details.size.sizeInBytes)),
  ]);
  if (config) {
    rows.push([vscode.l10n.t("Config"), link(code(config.configDigest), relativeLink(document, "config", manifest.digest))]);
  }
  sections.push(table([vscode.l10n.t("Field"), vscode.l10n.t("Value")], rows));

  if (details.isIndex) {
    sections.push(`## ${vscode.l10n.t("Platforms")}`);
    sections.push(
      table(
        [vscode.l10n.t("Platform"), vscode.l10n.t("Digest"), vscode.l10n.t("Compressed size")],
        details.size.platforms.map((p) => [
          text(p.platform ? formatPlatform(p.platform) : vscode.l10n.t("unknown")),
          link(code(shortDigest(p.digest)), relativeLink(document, "inspect", p.digest)),
          text(formatBytes(p.sizeInBytes)),
        ]),
      ),
    );
    sections.push(text(vscode.l10n.t("Blobs shared by platforms are counted once in the index's size.")));
  }
  if (details.notAnImage) {
    sections.push(`> ${text(details.notAnImage)}`);
  }
  if (config) {
    sections.push(...renderConfig(details));
  }
  const annotations = Object.entries(manifest.manifest.annotations ?? {});
  sections.push(`## ${vscode.l10n.t("Annotations")}`);
  sections.push(
    annotations.length
      ? table(
          [vscode.l10n.t("Key"), vscode.l10n.t("Value")],
          annotations.map(([k, v]) => [code(k), code(v)]),
        )
      : text(vscode.l10n.t("None")),
  );
  sections.push(`## ${vscode.l10n.t("Referrers")}`);
  sections.push(renderReferrers(details, document));
  return sections.join("\n\n") + "\n";
}

function renderConfig(details: ImageDetails): string[] {
  const result = details.image!;
  const runtime = result.config.config.config ?? {};
  const none = text(vscode.l10n.t("none"));
  const list = (values: string[] | null | undefined) => (values?.length ? code(JSON.stringify(values)) : none);
  const keys = (record: Record<string, unknown> | undefined) =>
    record && Object.keys(record).length ? Object.keys(record).map(code).join(", ") : none;
  const sections = [`## ${vscode.l10n.t("Config")}`];
  sections.push(
    table(
      [vscode.l10n.t("Field"), vscode.l10n.t("Value")],
      [
        [vscode.l10n.t("Entrypoint"), list(runtime.Entrypoint)],
        [vscode.l10n.t("Cmd"), list(runtime.Cmd)],
        [vscode.l10n.t("Working dir"), runtime.WorkingDir ? code(runtime.WorkingDir) : none],
        [vscode.l10n.t("User"), runtime.User ? code(runtime.User) : none],
        [vscode.l10n.t("Ports"), keys(runtime.ExposedPorts)],
        [vscode.l10n.t("Volumes"), keys(runtime.Volumes)],
        ...(typeof result.config.config.author === "string" ? [[vscode.l10n.t("Author"), text(result.config.config.author)]] : []),
      ],
    ),
  );
  sections.push(`### ${vscode.l10n.t("Environment")}`);
  const env = Array.isArray(runtime.Env) ? runtime.Env : [];
  sections.push(env.length ? env.map((line) => `- ${code(line)}`).join("\n") : none);
  sections.push(`### ${vscode.l10n.t("Labels")}`);
  const labels = Object.entries(runtime.Labels ?? {});
  sections.push(
    labels.length
      ? table(
          [vscode.l10n.t("Label"), vscode.l10n.t("Value")],
          labels.map(([k, v]) => [code(k), code(String(v))]),
        )
      : none,
  );
  sections.push(`## ${vscode.l10n.t("History")}`);
  sections.push(
    result.steps.length
      ? table(
          ["#", vscode.l10n.t("Created"), vscode.l10n.t("Command"), vscode.l10n.t("Layer size")],
          result.steps.map((step, i) => [
            String(i + 1),
            step.entry.created ? text(step.entry.created) : "",
            step.entry.created_by ? code(step.entry.created_by) : "",
            step.layer ? text(formatBytes(step.layer.size)) : text(vscode.l10n.t("no layer")),
          ]),
        )
      : text(vscode.l10n.t("The config has no history.")),
  );
  return sections;
}

function renderReferrers(details: ImageDetails, document: ManifestDocumentName): string {
  if ("error" in details.referrers) {
    return `> ${text(vscode.l10n.t("Could not list referrers: {0}", details.referrers.error))}`;
  }
  const lines: string[] = [];
  const walk = (nodes: ReferrerNode[], depth: number) => {
    for (const node of nodes) {
      const uri = relativeLink(document, "inspect", node.descriptor.digest);
      lines.push(
        `${"  ".repeat(depth)}- ${text(artifactKindName(node.kind, node.artifactType))}: ${link(code(shortDigest(node.descriptor.digest)), uri)}`,
      );
      walk(node.referrers, depth + 1);
    }
  };
  walk(details.referrers.referrers, 0);
  if (details.referrers.mismatched.length) {
    lines.push(
      "",
      `> ${text(vscode.l10n.t("{0} listed referrer(s) name another subject and are not shown: {1}", details.referrers.mismatched.length, details.referrers.mismatched.map((m) => shortDigest(m.descriptor.digest)).join(", ")))}`,
    );
  }
  return lines.length ? lines.join("\n") : text(vscode.l10n.t("None"));
}
