// Clean Up Repository… (and, on a registry, every repository under a name
// prefix): a short form for the rules, then a preview of exactly what will be
// deleted and kept (reasons, sizes, bytes freed), one confirmation (a second
// when the rules delete every candidate), the deletes under cancellable
// progress, a final report. The library decides (planCleanup) and re-checks
// each entry before deleting it (executeCleanup).

import * as vscode from "vscode";
import {
  checkCleanupRules,
  type CleanupPlan,
  type CleanupResult,
  type CleanupRules,
  type ContainerRegistryClient,
  RegistryDeleteDisabledError,
  rulesDeleteEveryCandidate,
  validateRepositoryName,
} from "../../client/index";
import { abortSignalFor } from "../cancellation";
import type { SavedRegistry } from "../connections";
import { formatBytes, shortDigest } from "../format";
import { RegistryNode } from "../tree/registryNode";
import type { TreeNode } from "../tree/treeNode";
import { describeCleanupRules } from "./shared/cleanupRulesText";
import type { CommandOptions, Services } from "./shared/commandServices";
import { inputProblem } from "./shared/inputProblem";
import { resolveRegistry, resolveRepository } from "./shared/itemTargets";
import { findRepositoryNode } from "./shared/nodeTargets";

/** The rules as a programmatic caller gives them (a date may be an ISO string). */
export interface CleanupRuleOptions {
  keepLatest?: number;
  olderThan?: Date | string;
  tagPattern?: string;
  untaggedOnly?: boolean;
}

export interface CleanupCommandResult {
  /** The preview, as shown in the editor. */
  preview: string;
  plans: CleanupPlan[];
  /** Per repository, when the user went ahead. */
  results?: { repository: string; result: CleanupResult }[];
}

/** Repositories of a registry listed for a prefix clean-up at most (the rest is not looked at). */
const MAX_PREFIX_REPOSITORIES = 200;

export async function cleanupRepository(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<CleanupCommandResult | undefined> {
  const target = await resolveRepository(services, node instanceof RegistryNode ? undefined : node, options);
  if (!target) {
    return undefined;
  }
  return runCleanup(services, target.registry, [target.repository], options);
}

export async function cleanupRegistry(
  services: Services,
  node: TreeNode | undefined,
  options: CommandOptions,
): Promise<CleanupCommandResult | undefined> {
  const registry = await resolveRegistry(services, node, options);
  if (!registry) {
    return undefined;
  }
  const prefix = options.repositoryPrefix ?? (await askPrefix());
  if (prefix === undefined) {
    return undefined;
  }
  const client = await services.connections.getClient(registry);
  const repositories: string[] = [];
  for await (const name of client.listRepositoryNames()) {
    if (name.startsWith(prefix)) {
      repositories.push(name);
    }
    if (repositories.length >= MAX_PREFIX_REPOSITORIES) {
      break;
    }
  }
  if (repositories.length === 0) {
    throw new Error(vscode.l10n.t("No repository in {0} starts with {1}", registry.loginServer, JSON.stringify(prefix)));
  }
  return runCleanup(services, registry, repositories, options);
}

async function askPrefix(): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t("Clean up repositories"),
    prompt: vscode.l10n.t("The repository name prefix (e.g. team/ or app); every repository starting with it is cleaned up"),
    validateInput: (value) =>
      value.length === 0 || /^[a-z0-9._/-]+$/.test(value)
        ? undefined
        : vscode.l10n.t("Lowercase letters, digits, '.', '_', '-' and '/' only"),
  });
}

async function runCleanup(
  services: Services,
  registry: SavedRegistry,
  repositories: string[],
  options: CommandOptions,
): Promise<CleanupCommandResult | undefined> {
  const rules = options.cleanupRules ? toRules(options.cleanupRules) : await askRules();
  if (!rules) {
    return undefined;
  }
  checkCleanupRules(rules);
  repositories.forEach((name) => validateRepositoryName(name));
  const client = await services.connections.getClient(registry);
  await refuseWhenDeletesAreImpossible(services, registry, client, repositories[0]);
  const plans = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Planning the clean-up"), cancellable: true },
    async (_progress, token) => {
      const abort = abortSignalFor(token, options.cancellationToken);
      try {
        const planned: CleanupPlan[] = [];
        for (const repository of repositories) {
          planned.push(await client.planCleanup(repository, rules, { abortSignal: abort.signal }));
        }
        return planned;
      } finally {
        abort.dispose();
      }
    },
  );
  const preview = renderPreview(registry, rules, plans);
  if (!options.skipConfirmation && !options.confirm) {
    const document = await vscode.workspace.openTextDocument({ language: "markdown", content: preview });
    await vscode.window.showTextDocument(document, { preview: true });
  }
  const deleteCount = plans.reduce((sum, plan) => sum + plan.delete.length, 0);
  if (deleteCount === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Nothing to delete: the rules keep every manifest."));
    return { preview, plans };
  }
  const freed = totalFreed(plans);
  const ok = await confirm(
    options,
    vscode.l10n.t("Delete {0} manifests in {1}?", deleteCount, describeRepositories(registry, repositories)),
    vscode.l10n.t(
      "{0} kept. {1} freed at most. The preview lists every one. This cannot be undone.",
      plans.reduce((sum, p) => sum + p.keep.length, 0),
      freed,
    ) + `\n\n${previewSummary(plans)}`,
  );
  if (!ok) {
    return { preview, plans };
  }
  if (rulesDeleteEveryCandidate(rules)) {
    const sure = await confirm(
      options,
      vscode.l10n.t("These rules delete every manifest they can. Really delete all {0}?", deleteCount),
      vscode.l10n.t("Keep latest is 0 and no other rule limits the clean-up: only locked and index-referenced manifests stay."),
    );
    if (!sure) {
      return { preview, plans };
    }
  }
  const results = await executeWithProgress(client, plans, options);
  for (const repository of repositories) {
    const repositoryNode = findRepositoryNode(services, { registry, repository });
    if (repositoryNode) {
      services.tree.refresh(repositoryNode);
    }
  }
  const report = renderReport(results);
  services.log.info(`Clean-up of ${describeRepositories(registry, repositories)}: ${report.replace(/\n/g, "; ")}`);
  const failed = results.reduce((sum, r) => sum + r.result.failed.length, 0);
  const message = vscode.l10n.t(
    "Clean-up done: {0} deleted, {1} skipped, {2} failed.",
    results.reduce((sum, r) => sum + r.result.deleted.length, 0),
    results.reduce((sum, r) => sum + r.result.skipped.length, 0),
    failed,
  );
  void (failed
    ? vscode.window.showWarningMessage(message, { detail: report })
    : vscode.window.showInformationMessage(message, { detail: report }));
  return { preview, plans, results };
}

function toRules(given: CleanupRuleOptions): CleanupRules {
  return {
    keepLatest: given.keepLatest,
    olderThan: given.olderThan === undefined ? undefined : new Date(given.olderThan),
    tagPattern: given.tagPattern,
    untaggedOnly: given.untaggedOnly,
  };
}

/** Registries that cannot delete say so before the preview, not after the first failure. */
async function refuseWhenDeletesAreImpossible(
  services: Services,
  registry: SavedRegistry,
  client: ContainerRegistryClient,
  repository: string,
): Promise<void> {
  const capabilities = await services.connections.getCapabilities(registry);
  if (capabilities.properties) {
    const properties = await client.getRepositoryProperties(repository);
    if (properties.canDelete === false || properties.canWrite === false) {
      throw new Error(
        vscode.l10n.t("{0} is locked (delete or write disabled): nothing in it can be deleted.", `${registry.loginServer}/${repository}`),
      );
    }
    return;
  }
  // The /v2 API has no way to ask; a DELETE of a digest that cannot exist tells
  // 405 (deletes disabled) from 404 (docs/protocols.md#oci-deletes).
  try {
    await client.deleteManifest(repository, `sha256:${"0".repeat(64)}`);
  } catch (error) {
    if (error instanceof RegistryDeleteDisabledError) {
      throw new Error(
        vscode.l10n.t("{0} does not allow deleting manifests (deletes are disabled on the registry).", registry.loginServer),
        { cause: error },
      );
    }
  }
}

async function askRules(): Promise<CleanupRules | undefined> {
  const title = vscode.l10n.t("Clean up: rules (leave a field empty to not use it)");
  const keep = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t("Keep the N newest manifests (a number; 0 keeps none)"),
    value: "10",
    validateInput: (value) =>
      value === "" || /^\d+$/.test(value.trim()) ? undefined : vscode.l10n.t("A whole number of 0 or more, or empty"),
  });
  if (keep === undefined) {
    return undefined;
  }
  const older = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t("Delete only manifests older than: a number of days (30) or a date (2024-01-31)"),
    validateInput: (value) =>
      value === "" || parseAge(value) ? undefined : vscode.l10n.t("A number of days or a date such as 2024-01-31, or empty"),
  });
  if (older === undefined) {
    return undefined;
  }
  const pattern = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t("Only manifests whose tags all match this regular expression (whole tag; e.g. dev-.*)"),
    validateInput: (value) => (value === "" ? undefined : inputProblem((tagPattern) => checkCleanupRules({ tagPattern }), value)),
  });
  if (pattern === undefined) {
    return undefined;
  }
  const yes = vscode.l10n.t("Untagged manifests only");
  const no = vscode.l10n.t("Tagged and untagged");
  const scope = await vscode.window.showQuickPick([no, yes], { title, placeHolder: vscode.l10n.t("Which manifests are candidates?") });
  if (scope === undefined) {
    return undefined;
  }
  const rules: CleanupRules = {
    keepLatest: keep.trim() === "" ? undefined : Number(keep.trim()),
    olderThan: older === "" ? undefined : parseAge(older),
    tagPattern: pattern === "" ? undefined : pattern,
    untaggedOnly: scope === yes ? true : undefined,
  };
  if (rules.keepLatest === undefined && rules.olderThan === undefined && rules.tagPattern === undefined && !rules.untaggedOnly) {
    throw new Error(vscode.l10n.t("Give at least one rule (Keep latest 0 deletes every candidate)."));
  }
  return rules;
}

/** "30" (days ago) or a date; undefined when it is neither. */
export function parseAge(text: string): Date | undefined {
  const value = text.trim();
  if (/^\d+$/.test(value)) {
    return new Date(Date.now() - Number(value) * 24 * 60 * 60 * 1000);
  }
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(value)) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

async function confirm(options: CommandOptions, message: string, detail: string): Promise<boolean> {
  if (options.skipConfirmation) {
    return true;
  }
  if (options.confirm) {
    return options.confirm(message, detail);
  }
  const button = vscode.l10n.t("Delete");
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, button)) === button;
}

async function executeWithProgress(
  client: ContainerRegistryClient,
  plans: CleanupPlan[],
  options: CommandOptions,
): Promise<{ repository: string; result: CleanupResult }[]> {
  const total = plans.reduce((sum, plan) => sum + plan.delete.length, 0);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Cleaning up"), cancellable: true },
    async (progress, token) => {
      const abort = abortSignalFor(token, options.cancellationToken);
      let done = 0;
      try {
        const results = [];
        for (const plan of plans) {
          const result = await client.executeCleanup(plan, {
            abortSignal: abort.signal,
            onProgress: ({ digest }) => {
              done++;
              progress.report({ increment: 100 / total, message: vscode.l10n.t("{0} of {1}: {2}", done, total, shortDigest(digest)) });
            },
          });
          results.push({ repository: plan.repository, result });
        }
        return results;
      } finally {
        abort.dispose();
      }
    },
  );
}

function describeRepositories(registry: SavedRegistry, repositories: string[]): string {
  return repositories.length === 1
    ? `${registry.loginServer}/${repositories[0]}`
    : vscode.l10n.t("{0} repositories of {1}", repositories.length, registry.loginServer);
}

function totalFreed(plans: CleanupPlan[]): string {
  const sizes = plans.map((plan) => plan.bytesFreed);
  return sizes.every((size) => size !== undefined)
    ? formatBytes(sizes.reduce((sum: number, size) => sum + (size ?? 0), 0))
    : vscode.l10n.t("an unknown amount");
}

function previewSummary(plans: CleanupPlan[]): string {
  const lines = plans.flatMap((plan) =>
    plan.delete.map((entry) => `  • ${plan.repository}@${shortDigest(entry.digest)} ${entry.tags.join(", ")}`.trimEnd()),
  );
  return lines.length > 15
    ? [...lines.slice(0, 15), `  • ${vscode.l10n.t("… and {0} more", lines.length - 15)}`].join("\n")
    : lines.join("\n");
}

function renderPreview(registry: SavedRegistry, rules: CleanupRules, plans: CleanupPlan[]): string {
  const lines = [
    `# ${vscode.l10n.t("Clean-up preview")}: ${registry.loginServer}`,
    "",
    `${vscode.l10n.t("Rules")}: ${describeCleanupRules(rules)}`,
    "",
  ];
  for (const plan of plans) {
    lines.push(`## ${plan.repository}`, "");
    lines.push(
      `### ${vscode.l10n.t("Deleted ({0}, {1} freed at most)", plan.delete.length, plan.bytesFreed === undefined ? "?" : formatBytes(plan.bytesFreed))}`,
      "",
    );
    for (const entry of plan.delete) {
      lines.push(
        `- \`${entry.digest}\` ${tagsText(entry.tags)} ${entry.lastUpdatedOn ? entry.lastUpdatedOn.toISOString() : ""} ${sizeText(entry.sizeInBytes)}`.trimEnd(),
      );
    }
    lines.push("", `### ${vscode.l10n.t("Kept ({0})", plan.keep.length)}`, "");
    for (const entry of plan.keep) {
      lines.push(
        `- \`${entry.digest}\` ${tagsText(entry.tags)} — ${keepReasonText(entry.reason)}: ${entry.detail} ${sizeText(entry.sizeInBytes)}`.trimEnd(),
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

function keepReasonText(reason: CleanupPlan["keep"][number]["reason"]): string {
  const texts: Record<typeof reason, () => string> = {
    locked: () => vscode.l10n.t("locked"),
    "referenced by an index": () => vscode.l10n.t("referenced by an index"),
    "a referrer of a kept manifest": () => vscode.l10n.t("a referrer of a kept manifest"),
    "not a candidate": () => vscode.l10n.t("not a candidate"),
    "unknown age": () => vscode.l10n.t("unknown age"),
    "among the newest": () => vscode.l10n.t("among the newest"),
    "too recent": () => vscode.l10n.t("too recent"),
  };
  return texts[reason]();
}

function tagsText(tags: string[]): string {
  return tags.length ? tags.join(", ") : vscode.l10n.t("(untagged)");
}

function sizeText(size: number | undefined): string {
  return size === undefined ? "" : `(${formatBytes(size)})`;
}

function renderReport(results: { repository: string; result: CleanupResult }[]): string {
  const lines: string[] = [];
  for (const { repository, result } of results) {
    lines.push(vscode.l10n.t("{0}: {1} deleted", repository, result.deleted.length));
    for (const skipped of result.skipped) {
      lines.push(`  ${vscode.l10n.t("skipped {0}: {1}", shortDigest(skipped.digest), skipped.reason)}`);
    }
    for (const failed of result.failed) {
      lines.push(`  ${vscode.l10n.t("failed {0}: {1}", shortDigest(failed.digest), failed.error.message)}`);
    }
  }
  return lines.join("\n");
}
