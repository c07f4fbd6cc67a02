// Tool: one image in plain text: what the inspector shows (config, created,
// size, layers with the step that made each, history, referrers), read by
// the same code (inspect/imageDetails.ts). An index lists its platforms;
// with `platform`, the child for it is inspected instead.

import * as vscode from "vscode";
import {
  formatPlatform,
  type ImageReference,
  parseImageReference,
  parsePlatform,
  type ReferrerNode,
  validateDigest,
  validateRepositoryName,
  validateTag,
} from "../../client/index";
import type { Services } from "../commands/shared/commandServices";
import type { SavedRegistry } from "../connections";
import { type ImageDetails, readImageDetails } from "../inspect/imageDetails";
import type { ToolDefinition } from "./toolAdapter";
import { optionalString, ToolInputError, type ToolInput } from "./toolInput";
import { findConnectedRegistry, registryForReference } from "./toolRegistries";
import { bytesText } from "./toolText";

/** A history step's command can be a whole shell script; the start says what it is. */
const MAX_COMMAND_CHARS = 300;
const MAX_HISTORY_STEPS = 100;
/**
 * A manifest and a config may each be 4 MiB: a hostile or odd image could fill a model's context
 * with platforms, layers, referrers, Env or Labels. Each list and value is cut, and so is the whole.
 */
const MAX_LIST_ITEMS = 200;
const MAX_SETTING_CHARS = 2000;
const MAX_RESULT_CHARS = 64 * 1024;

interface Input {
  /** Parsed `reference`, or undefined when registry + repository were given. */
  reference?: ImageReference;
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
  platform?: string;
}

export function inspectImageTool(services: Services): ToolDefinition<Input> {
  return {
    parse: parseInput,
    invocationMessage: (input) => vscode.l10n.t("Inspecting {0}", describeTarget(input)),
    run: async (input, signal) => {
      const registry: SavedRegistry = input.reference
        ? registryForReference(services.connections, input.reference)
        : findConnectedRegistry(services.connections, input.registry!);
      const client = await services.connections.getClient(registry);
      const tagOrDigest = input.digest ?? input.tag ?? "latest";
      const top = await client.getManifest(input.repository, tagOrDigest, { abortSignal: signal });
      let details = await readImageDetails(client, input.repository, top.digest, input.digest ? undefined : input.tag, signal);
      let index: ImageDetails | undefined;
      if (details.isIndex && input.platform) {
        const picked = await client.getImageConfig(input.repository, top.digest, { platform: input.platform, abortSignal: signal });
        index = details;
        details = await readImageDetails(client, input.repository, picked.manifestDigest, undefined, signal);
      }
      return render(details, index);
    },
  };
}

function parseInput(input: ToolInput): Input {
  const reference = optionalString(input, "reference");
  const platform = optionalString(input, "platform");
  if (platform !== undefined) {
    parsePlatform(platform);
  }
  if (reference !== undefined) {
    if (["registry", "repository", "tag", "digest"].some((key) => optionalString(input, key) !== undefined)) {
      throw new ToolInputError(vscode.l10n.t("Give either reference, or registry with repository and tag or digest, not both."));
    }
    const parsed = parseImageReference(reference);
    return { reference: parsed, repository: parsed.repository, tag: parsed.tag, digest: parsed.digest, platform };
  }
  const registry = optionalString(input, "registry");
  const repository = optionalString(input, "repository");
  if (registry === undefined || repository === undefined) {
    throw new ToolInputError(
      vscode.l10n.t("Give reference (host/repository:tag or host/repository@digest), or registry and repository (with tag or digest)."),
    );
  }
  const tag = optionalString(input, "tag");
  const digest = optionalString(input, "digest");
  if (tag !== undefined && digest !== undefined) {
    throw new ToolInputError(vscode.l10n.t("Give tag or digest, not both."));
  }
  return {
    registry,
    repository: validateRepositoryName(repository),
    tag: tag === undefined ? undefined : validateTag(tag),
    digest: digest === undefined ? undefined : validateDigest(digest),
    platform,
  };
}

function describeTarget(input: Input): string {
  const host = input.reference?.registry ?? input.registry;
  return `${host}/${input.repository}${input.digest ? `@${input.digest}` : `:${input.tag ?? "latest"}`}`;
}

function render(details: ImageDetails, index: ImageDetails | undefined): string {
  const { manifest } = details;
  const where = `${details.loginServer}/${details.repository}`;
  const lines = [
    details.isIndex ? vscode.l10n.t("Image index {0}", where) : vscode.l10n.t("Image {0}", where),
    vscode.l10n.t("digest: {0}", manifest.digest),
  ];
  if (details.tag) {
    lines.push(vscode.l10n.t("tag: {0}", details.tag));
  }
  if (index) {
    lines.push(vscode.l10n.t("platform manifest of the index {0}", index.manifest.digest));
  }
  lines.push(vscode.l10n.t("media type: {0}", manifest.mediaType));
  if (manifest.manifest.artifactType) {
    lines.push(vscode.l10n.t("artifact type: {0}", manifest.manifest.artifactType));
  }
  lines.push(vscode.l10n.t("compressed size: {0}", bytesText(details.size.sizeInBytes)));
  if (details.isIndex) {
    lines.push(vscode.l10n.t("platforms ({0}; pass platform to inspect one):", details.size.platforms.length));
    for (const platform of details.size.platforms.slice(0, MAX_LIST_ITEMS)) {
      lines.push(
        `- ${platform.platform ? formatPlatform(platform.platform) : vscode.l10n.t("unknown platform")}: ${platform.digest}, ${bytesText(platform.sizeInBytes)}`,
      );
    }
    lines.push(...moreNotShown(details.size.platforms.length));
  }
  if (details.notAnImage) {
    lines.push(vscode.l10n.t("not an image: {0}", details.notAnImage));
  }
  if (details.image) {
    lines.push(...imageLines(details));
  } else if (!details.isIndex) {
    lines.push(...layerLines(details, undefined));
  }
  lines.push(...referrerLines(details.referrers));
  const text = lines.join("\n");
  return text.length > MAX_RESULT_CHARS
    ? `${text.slice(0, MAX_RESULT_CHARS)}\n${vscode.l10n.t("… cut at {0} characters", MAX_RESULT_CHARS)}`
    : text;
}

/** The line that says how many items of a list were left out, if any were. */
function moreNotShown(count: number): string[] {
  return count > MAX_LIST_ITEMS ? [vscode.l10n.t("… {0} more not shown", count - MAX_LIST_ITEMS)] : [];
}

function imageLines(details: ImageDetails): string[] {
  const { config, steps } = details.image!;
  const image = config.config;
  const lines: string[] = [];
  if (config.platform) {
    lines.push(vscode.l10n.t("platform: {0}", formatPlatform(config.platform)));
  }
  lines.push(vscode.l10n.t("created: {0}", typeof image.created === "string" ? image.created : vscode.l10n.t("unknown")));
  lines.push(vscode.l10n.t("config: {0}", config.configDigest));
  const runtime = image.config ?? {};
  const settings: [string, unknown][] = [
    ["Entrypoint", runtime.Entrypoint],
    ["Cmd", runtime.Cmd],
    ["WorkingDir", runtime.WorkingDir],
    ["User", runtime.User],
    ["ExposedPorts", runtime.ExposedPorts ? Object.keys(runtime.ExposedPorts) : undefined],
    ["Env", runtime.Env],
    ["Labels", runtime.Labels],
  ];
  for (const [name, value] of settings) {
    if (value !== undefined && value !== null && value !== "") {
      const json = JSON.stringify(value);
      lines.push(`${name}: ${json.length > MAX_SETTING_CHARS ? `${json.slice(0, MAX_SETTING_CHARS)}…` : json}`);
    }
  }
  lines.push(...layerLines(details, steps));
  const shown = steps.slice(0, MAX_HISTORY_STEPS);
  lines.push(vscode.l10n.t("history ({0} steps, oldest first):", steps.length));
  shown.forEach((step, i) => {
    const what = step.layer ? vscode.l10n.t("layer {0}", step.layer.digest) : vscode.l10n.t("no layer");
    lines.push(`${i + 1}. ${step.entry.created ?? "?"} ${what}: ${command(step.entry.created_by ?? step.entry.comment ?? "")}`);
  });
  if (steps.length > shown.length) {
    lines.push(vscode.l10n.t("… {0} more steps not shown", steps.length - shown.length));
  }
  return lines;
}

function layerLines(details: ImageDetails, steps: NonNullable<ImageDetails["image"]>["steps"] | undefined): string[] {
  const layers = details.manifest.manifest.layers ?? [];
  const lines = [vscode.l10n.t("layers ({0}, base first):", layers.length)];
  // historySteps gives the layers to the non-empty steps in order: the nth such step made the nth layer.
  const layerSteps = steps?.filter((s) => s.layer !== undefined) ?? [];
  layers.slice(0, MAX_LIST_ITEMS).forEach((layer, i) => {
    const step = layerSteps[i];
    const title = layer.annotations?.["org.opencontainers.image.title"];
    const made = step?.entry.created_by ? ` — ${command(step.entry.created_by)}` : "";
    lines.push(`${i + 1}. ${layer.digest}, ${bytesText(layer.size)}, ${layer.mediaType}${title ? `, "${title}"` : ""}${made}`);
  });
  return [...lines, ...moreNotShown(layers.length)];
}

function command(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_COMMAND_CHARS ? `${oneLine.slice(0, MAX_COMMAND_CHARS)}…` : oneLine;
}

function referrerLines(referrers: ImageDetails["referrers"]): string[] {
  if ("error" in referrers) {
    return [vscode.l10n.t("referrers: could not be read: {0}", referrers.error)];
  }
  if (referrers.referrers.length === 0 && referrers.mismatched.length === 0) {
    return [vscode.l10n.t("referrers: none")];
  }
  const lines = [vscode.l10n.t("referrers (signatures, SBOMs, attestations attached to it):")];
  let listed = 0;
  let left = 0;
  const walk = (nodes: ReferrerNode[], depth: number): void => {
    for (const node of nodes) {
      if (listed >= MAX_LIST_ITEMS) {
        left += 1;
        walk(node.referrers, depth + 1);
        continue;
      }
      listed += 1;
      lines.push(
        `${"  ".repeat(depth)}- ${node.descriptor.digest}; ${node.kind}; ${node.artifactType}; ${bytesText(node.descriptor.size)}`,
      );
      walk(node.referrers, depth + 1);
    }
  };
  walk(referrers.referrers, 0);
  if (left > 0) {
    lines.push(vscode.l10n.t("… {0} more not shown", left));
  }
  if (referrers.mismatched.length) {
    lines.push(
      vscode.l10n.t(
        "{0} listed referrers name another manifest as their subject and were set apart (stale or forged): {1}",
        referrers.mismatched.length,
        referrers.mismatched.map((m) => m.descriptor.digest).join(", "),
      ),
    );
  }
  return lines;
}
