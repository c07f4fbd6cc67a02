// The comparison's text: one manifest rendered in a fixed order with sorted
// keys (manifest, config, env, labels, history, layer table), so that VS
// Code's diff editor shows only what really differs between two images.

import * as vscode from "vscode";
import { formatPlatform } from "../../client/index";
import type { ImageDetails } from "./imageDetails";
import { referenceOf } from "./imageDetails";

export function renderCompareText(details: ImageDetails): string {
  const { manifest } = details;
  const lines: string[] = [];
  const section = (title: string) => lines.push("", `## ${title}`);
  lines.push(`## ${vscode.l10n.t("Manifest")}`);
  lines.push(`reference: ${referenceOf(details)}`, `digest: ${manifest.digest}`, `mediaType: ${manifest.mediaType}`);
  if (manifest.manifest.artifactType) {
    lines.push(`artifactType: ${manifest.manifest.artifactType}`);
  }
  lines.push(`compressedSize: ${details.size.sizeInBytes}`);
  for (const [key, value] of sortedEntries(manifest.manifest.annotations)) {
    lines.push(`annotation ${key}: ${value}`);
  }
  if (details.isIndex) {
    section(vscode.l10n.t("Platforms"));
    for (const p of details.size.platforms) {
      lines.push(`${p.platform ? formatPlatform(p.platform) : "unknown"}  ${p.digest}  ${p.sizeInBytes}`);
    }
  }
  const config = details.image?.config;
  if (config) {
    const runtime = config.config.config ?? {};
    section(vscode.l10n.t("Config"));
    lines.push(`digest: ${config.configDigest}`);
    lines.push(`platform: ${config.platform ? formatPlatform(config.platform) : ""}`);
    lines.push(`created: ${stringOr(config.config.created)}`, `author: ${stringOr(config.config.author)}`);
    lines.push(`entrypoint: ${JSON.stringify(runtime.Entrypoint ?? [])}`, `cmd: ${JSON.stringify(runtime.Cmd ?? [])}`);
    lines.push(`workingDir: ${stringOr(runtime.WorkingDir)}`, `user: ${stringOr(runtime.User)}`);
    lines.push(
      `ports: ${Object.keys(runtime.ExposedPorts ?? {})
        .sort()
        .join(", ")}`,
    );
    lines.push(
      `volumes: ${Object.keys(runtime.Volumes ?? {})
        .sort()
        .join(", ")}`,
    );
    section(vscode.l10n.t("Env"));
    lines.push(...[...(Array.isArray(runtime.Env) ? runtime.Env : [])].sort());
    section(vscode.l10n.t("Labels"));
    lines.push(...sortedEntries(runtime.Labels ?? {}).map(([k, v]) => `${k}=${v}`));
    section(vscode.l10n.t("History"));
    for (const step of details.image!.steps) {
      lines.push(`${oneLine(step.entry.created_by ?? "")}  [${step.layer ? `${step.layer.size} bytes` : "no layer"}]`);
    }
  }
  section(vscode.l10n.t("Layers"));
  for (const layer of manifest.manifest.layers ?? []) {
    lines.push(`${layer.digest}  ${layer.size}  ${layer.mediaType}`);
  }
  return lines.join("\n") + "\n";
}

export interface LayerSummary {
  added: string[];
  removed: string[];
  shared: string[];
}

/** Layers (for an index: every blob of every platform) in `right` only, in `left` only, in both. */
export function summarizeLayers(left: ImageDetails, right: ImageDetails): LayerSummary {
  const a = layerDigests(left);
  const b = layerDigests(right);
  return { added: [...b].filter((d) => !a.has(d)), removed: [...a].filter((d) => !b.has(d)), shared: [...a].filter((d) => b.has(d)) };
}

function layerDigests(details: ImageDetails): Set<string> {
  if (details.isIndex) {
    return new Set(details.size.blobs.keys());
  }
  return new Set((details.manifest.manifest.layers ?? []).map((l) => l.digest));
}

function sortedEntries(record: Record<string, string> | null | undefined): [string, string][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function stringOr(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function oneLine(value: string): string {
  return value.replace(/\s*\r?\n\s*/g, " ");
}
