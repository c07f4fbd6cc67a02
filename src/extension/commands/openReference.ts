// Open Reference…: paste `host/repo:tag`, `host/repo@sha256:…` or a Docker
// Hub name (`nginx`, `docker.io/library/nginx`); the registry is connected if
// it is not yet (anonymously when the registry allows it, otherwise through
// the sign-in steps of the connect dialog), the manifest is revealed in the
// tree, and what to do next is offered. Recent references come first.
//
// Programmatic callers pass { imageReference, action? } and get no prompt:
// a registry that refuses anonymous reads must then be connected first.

import * as vscode from "vscode";
import {
  formatImageReference,
  type ImageReference,
  isDockerHubHost,
  parseImageReference,
  probeRegistry,
  RegistryAuthenticationError,
  RegistryError,
} from "../../client/index";
import type { ConnectRequest, SavedRegistry } from "../connections";
import { revealInTree } from "../revealInTree";
import { readTrustedCertificates } from "../trustedCertificates";
import type { TreeNode } from "../tree/treeNode";
import type { CommandOptions, Services } from "./shared/commandServices";
import { inputProblem } from "./shared/inputProblem";
import { askCredentialsAndVerify, probeAddress } from "./shared/signIn";

export type ReferenceAction = "openManifest" | "pull" | "copyReference" | "inspect" | "browseFiles" | "none";

export interface OpenReferenceOptions extends CommandOptions {
  imageReference?: string;
  /** What to do once it is shown; without it the user is asked (or nothing, programmatically). */
  action?: ReferenceAction;
}

export interface OpenedReference {
  registry: SavedRegistry;
  repository: string;
  digest: string;
  /** The reference as Docker writes it. */
  reference: string;
  /** The row revealed (the manifest's, or its repository's when the manifest is not among the first pages). */
  node?: TreeNode;
  /** What the chosen action returned. */
  result?: unknown;
}

export async function openReference(services: Services, options: OpenReferenceOptions): Promise<OpenedReference | undefined> {
  const interactive = options.imageReference === undefined;
  const typed = options.imageReference ?? (await askReference(services));
  if (typed === undefined) {
    return undefined;
  }
  const reference = parseImageReference(typed);
  const registry = connectedRegistryFor(services, reference) ?? (await connectFor(services, reference, interactive));
  if (!registry) {
    return undefined;
  }
  const client = await services.connections.getClient(registry);
  const manifest = await client.getManifestProperties(reference.repository, reference.tagOrDigest);
  await services.connections.addRepository(registry.id, reference.repository);
  const text = formatImageReference(reference);
  await services.connections.rememberReference(text);
  services.tree.changed(services.tree.getRegistryNode(registry.id));
  const node = await revealInTree(services, registry, reference.repository, manifest.digest);
  const opened: OpenedReference = { registry, repository: reference.repository, digest: manifest.digest, reference: text, node };
  const action = options.action ?? (interactive ? await askAction(text) : "none");
  if (action && action !== "none") {
    opened.result = await runAction(action, registry, reference, manifest.digest, node);
  }
  return opened;
}

/** A saved registry the reference points at; every Docker Hub alias is one registry. */
function connectedRegistryFor(services: Services, reference: ImageReference): SavedRegistry | undefined {
  return services.connections
    .list()
    .find((r) => r.loginServer === reference.apiHost || (reference.registry === "docker.io" && isDockerHubHost(r.loginServer)));
}

/** Read refused to these credentials (or to none): the cue to ask how to sign in. */
function readRefused(error: unknown): boolean {
  return error instanceof RegistryAuthenticationError || (error instanceof RegistryError && [401, 403].includes(error.statusCode ?? 0));
}

async function connectFor(services: Services, reference: ImageReference, interactive: boolean): Promise<SavedRegistry | undefined> {
  const probe = interactive
    ? await probeAddress(reference.apiHost)
    : await probeRegistry(reference.apiHost, { caCertificates: await readTrustedCertificates(undefined) });
  const base = { endpoint: probe.origin };
  const anonymousLikely = probe.access.kind === "anonymous" || (probe.access.kind === "token" && probe.access.anonymousTokens);
  if (anonymousLikely) {
    const request: ConnectRequest = { ...base, auth: "anonymous" };
    const trial = await services.connections.createClient({
      id: "probe",
      endpoint: probe.origin,
      loginServer: probe.loginServer,
      auth: "anonymous",
    });
    try {
      await trial.getManifestProperties(reference.repository, reference.tagOrDigest);
      return await services.connections.add(request);
    } catch (error) {
      if (!readRefused(error)) {
        throw error;
      }
    }
  }
  if (!interactive) {
    throw new Error(
      vscode.l10n.t(
        "{0} does not allow anonymous reads of {1}; connect it with credentials first.",
        probe.loginServer,
        reference.repository,
      ),
    );
  }
  const request = await askCredentialsAndVerify(services, probe.loginServer, base, probe);
  if (!request || "addressError" in request) {
    return undefined;
  }
  return services.connections.add(request);
}

/** A quick pick over recent references that also takes a typed one, checked as typed. */
function askReference(services: Services): Promise<string | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { reference?: string }>();
    pick.title = vscode.l10n.t("Open Reference");
    pick.placeholder = vscode.l10n.t("host/repository:tag, host/repository@sha256:…, or a Docker Hub name such as nginx");
    pick.ignoreFocusOut = true;
    const recent = services.connections
      .recentReferences()
      .map((reference) => ({ label: reference, description: vscode.l10n.t("recent"), reference }));
    const render = (): void => {
      const typed = pick.value.trim();
      if (!typed || recent.some((r) => r.reference === typed)) {
        pick.items = recent;
        return;
      }
      const problem = inputProblem(parseImageReference, typed);
      pick.items = [
        {
          label: typed,
          reference: problem ? undefined : typed,
          detail: problem ? `$(error) ${problem}` : vscode.l10n.t("Open {0}", typed),
          alwaysShow: true,
        },
        ...recent,
      ];
    };
    let settled = false;
    const finish = (value: string | undefined): void => {
      if (!settled) {
        settled = true;
        pick.dispose();
        resolve(value);
      }
    };
    pick.onDidChangeValue(render);
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      if (chosen?.reference) {
        finish(chosen.reference);
      }
    });
    pick.onDidHide(() => finish(undefined));
    render();
    pick.show();
  });
}

/** The optional commands other parts of the extension may register (Inspect, Browse Files). */
const OPTIONAL_ACTIONS: Partial<Record<ReferenceAction, string>> = {
  inspect: "containerRegistryExplorer.inspectImage",
  browseFiles: "containerRegistryExplorer.browseFiles",
};

async function askAction(text: string): Promise<ReferenceAction | undefined> {
  const available = new Set(await vscode.commands.getCommands(true));
  const items: (vscode.QuickPickItem & { action: ReferenceAction })[] = [
    { label: `$(json) ${vscode.l10n.t("Open Manifest")}`, action: "openManifest" },
    ...(available.has(OPTIONAL_ACTIONS.inspect!) ? [{ label: `$(info) ${vscode.l10n.t("Inspect")}`, action: "inspect" as const }] : []),
    { label: `$(cloud-download) ${vscode.l10n.t("Pull…")}`, action: "pull" },
    { label: `$(copy) ${vscode.l10n.t("Copy Reference")}`, action: "copyReference" },
    ...(available.has(OPTIONAL_ACTIONS.browseFiles!)
      ? [{ label: `$(files) ${vscode.l10n.t("Browse Files")}`, action: "browseFiles" as const }]
      : []),
    { label: vscode.l10n.t("Nothing more"), action: "none" },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t("Opened {0}", text),
    placeHolder: vscode.l10n.t("What next?"),
  });
  return picked?.action;
}

async function runAction(
  action: ReferenceAction,
  registry: SavedRegistry,
  reference: ImageReference,
  digest: string,
  node: TreeNode | undefined,
): Promise<unknown> {
  const byName = { registry: registry.id, repository: reference.repository };
  switch (action) {
    case "copyReference":
      // The reference as opened (a tag stays a tag), not the row's digest.
      return vscode.commands.executeCommand("containerRegistryExplorer.copyReference", {
        ...byName,
        reference: reference.digest ?? reference.tag ?? reference.tagOrDigest,
      });
    case "openManifest":
    case "pull":
      return node?.id.endsWith(`/manifest:${digest}`)
        ? vscode.commands.executeCommand(`containerRegistryExplorer.${action}`, node)
        : vscode.commands.executeCommand(`containerRegistryExplorer.${action}`, { ...byName, reference: digest });
    case "inspect":
      // A tag typed stays the tag: the inspector's heading and its links name it (as Copy Reference does).
      return reference.digest === undefined && reference.tag !== undefined
        ? vscode.commands.executeCommand(OPTIONAL_ACTIONS.inspect!, { ...byName, reference: reference.tag })
        : vscode.commands.executeCommand(OPTIONAL_ACTIONS.inspect!, node);
    default: {
      const command = OPTIONAL_ACTIONS[action];
      return command ? vscode.commands.executeCommand(command, node) : undefined;
    }
  }
}
