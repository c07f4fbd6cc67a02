// Quick picks that stand in for a tree node when a command runs from the
// palette: registry, repository, manifest, tag. Lists come a page at a time,
// with a "Load more…" entry, like the tree.

import * as vscode from "vscode";
import { type ContinuablePage, type PageSettings, validateRepositoryName, validateTag, validateTagOrDigest } from "../client/index";
import { firstPage } from "./clientPaging";
import type { CommandOptions, Services } from "./commands/shared/commandServices";
import type { SavedRegistry } from "./connections";
import { configuredPageSize } from "./tree/registryTreeDataProvider";
import { relativeTime, shortDigest } from "./format";

interface PagedPickItem<T> extends vscode.QuickPickItem {
  value?: T;
  loadMore?: boolean;
  custom?: string;
  /** The row saying the list could not be read; accepting it does nothing. */
  failure?: boolean;
}

/**
 * A quick pick over a paged list. With `custom`, the user may also type a
 * value that is not listed (a repository not in the catalog, a tag to create).
 */
export function pickFromPages<T, Typed = T>(
  title: string,
  placeholder: string,
  fetch: (settings: PageSettings) => Promise<ContinuablePage<T>>,
  toItem: (value: T) => vscode.QuickPickItem,
  custom?: { parse: (typed: string) => Typed; label: (typed: string) => string },
  /** Listed before the first page (e.g. repositories added by name); not repeated when a page lists them too. */
  pinned: T[] = [],
): Promise<T | Typed | undefined> {
  return new Promise<T | Typed | undefined>((resolve, reject) => {
    const quickPick = vscode.window.createQuickPick<PagedPickItem<T>>();
    quickPick.title = title;
    quickPick.placeholder = placeholder;
    quickPick.matchOnDescription = true;
    let listed: PagedPickItem<T>[] = pinned.map((value) => ({ ...toItem(value), value }));
    let continuationToken: string | undefined;
    let loadFailure: string | undefined;
    let settled = false;
    const finish = (value: T | Typed | undefined, error?: unknown): void => {
      if (settled) {
        return;
      }
      settled = true;
      quickPick.dispose();
      if (error !== undefined) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the fetch threw, passed on as it came
        reject(error);
      } else {
        resolve(value);
      }
    };
    const render = (): void => {
      const items = [...listed];
      if (loadFailure) {
        items.push({
          label: `$(warning) ${vscode.l10n.t("The registry did not list them: {0}", loadFailure)}`,
          failure: true,
          alwaysShow: true,
          detail: vscode.l10n.t("Type a name instead"),
        });
      }
      if (continuationToken) {
        items.push({ label: `$(ellipsis) ${vscode.l10n.t("Load more…")}`, loadMore: true, alwaysShow: true });
      }
      const typed = quickPick.value.trim();
      if (custom && typed && !listed.some((i) => i.label === typed)) {
        items.unshift({ label: custom.label(typed), custom: typed, alwaysShow: true, detail: invalidReason(custom.parse, typed) });
      }
      quickPick.items = items;
    };
    const load = async (): Promise<void> => {
      quickPick.busy = true;
      try {
        const page = await fetch({ maxPageSize: configuredPageSize(), continuationToken });
        const known = new Set(listed.map((i) => i.label));
        listed = [...listed, ...page.map((value) => ({ ...toItem(value), value })).filter((i) => !known.has(i.label))];
        continuationToken = page.continuationToken;
        render();
      } catch (error) {
        if (!custom) {
          finish(undefined, error);
          return;
        }
        // A typed name still works where the registry refuses to list (no catalog, no list permission).
        loadFailure = (error as Error).message;
        continuationToken = undefined;
        render();
      } finally {
        quickPick.busy = false;
      }
    };
    quickPick.onDidChangeValue(() => render());
    quickPick.onDidAccept(() => {
      const selected = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
      if (!selected || selected.failure) {
        return;
      }
      if (selected.loadMore) {
        void load();
      } else if (selected.custom !== undefined && custom) {
        try {
          finish(custom.parse(selected.custom));
        } catch (error) {
          void vscode.window.showWarningMessage((error as Error).message);
        }
      } else {
        finish(selected.value);
      }
    });
    quickPick.onDidHide(() => finish(undefined));
    quickPick.show();
    void load();
  });
}

function invalidReason(parse: (typed: string) => unknown, typed: string): string | undefined {
  try {
    parse(typed);
    return undefined;
  } catch (error) {
    return `$(error) ${(error as Error).message}`;
  }
}

/** The registry named in the options, the only one connected, or the user's pick. */
export async function pickRegistry(
  services: Services,
  options: CommandOptions,
  filter?: (r: SavedRegistry) => Promise<boolean>,
): Promise<SavedRegistry | undefined> {
  const registries = services.connections.list();
  if (options.registry !== undefined) {
    const wanted = options.registry;
    const found = registries.find((r) => r.id === wanted || r.loginServer === wanted || r.endpoint === wanted);
    if (!found) {
      throw new Error(vscode.l10n.t("No connected registry {0}", wanted));
    }
    return found;
  }
  const candidates: SavedRegistry[] = [];
  for (const registry of registries) {
    if (!filter || (await filter(registry))) {
      candidates.push(registry);
    }
  }
  if (candidates.length === 0) {
    const connect = vscode.l10n.t("Connect Registry");
    const choice = await vscode.window.showInformationMessage(
      registries.length ? vscode.l10n.t("No connected registry can do this.") : vscode.l10n.t("No registry is connected yet."),
      connect,
    );
    if (choice === connect) {
      await vscode.commands.executeCommand("containerRegistryExplorer.connect");
    }
    return undefined;
  }
  if (candidates.length === 1) {
    return candidates[0];
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((r) => ({ label: r.loginServer, description: r.endpoint, registry: r })),
    { title: vscode.l10n.t("Registry"), placeHolder: vscode.l10n.t("Pick a registry") },
  );
  return picked?.registry;
}

export async function pickRepository(
  services: Services,
  registry: SavedRegistry,
  options: CommandOptions,
  allowNew = false,
): Promise<string | undefined> {
  if (options.repository !== undefined) {
    return options.repository;
  }
  const client = await services.connections.getClient(registry);
  return pickFromPages<string>(
    vscode.l10n.t("Repository in {0}", registry.loginServer),
    allowNew ? vscode.l10n.t("Pick a repository, or type the name of a new one") : vscode.l10n.t("Pick a repository, or type its name"),
    (settings) => firstPage(client.listRepositoryNames().byPage(settings)),
    (name) => ({ label: name }),
    // A typed name is checked as it is typed: the item says what is wrong before anything is sent.
    { parse: (typed) => validateRepositoryName(typed), label: (typed) => (allowNew ? `$(add) ${typed}` : typed) },
    services.connections.addedRepositories(registry.id),
  );
}

/** A manifest's digest (or a tag, when typed). */
export async function pickManifest(
  services: Services,
  registry: SavedRegistry,
  repository: string,
  options: CommandOptions,
): Promise<string | undefined> {
  if (options.reference !== undefined) {
    return options.reference;
  }
  const client = await services.connections.getClient(registry);
  const capabilities = await services.connections.getCapabilities(registry);
  const picked = await pickFromPages(
    vscode.l10n.t("Manifest in {0}", `${registry.loginServer}/${repository}`),
    vscode.l10n.t("Pick a manifest"),
    (settings) =>
      firstPage(
        client
          .listManifestProperties(repository, { order: capabilities.ordering ? "LastUpdatedOnDescending" : undefined })
          .byPage(settings),
      ),
    (m) => ({
      label: shortDigest(m.digest),
      description: m.tags.join(", ") || vscode.l10n.t("untagged"),
      detail: [
        m.operatingSystem && `${m.operatingSystem}/${m.architecture ?? "?"}`,
        m.artifactType,
        m.lastUpdatedOn && relativeTime(m.lastUpdatedOn),
      ]
        .filter(Boolean)
        .join(" · "),
    }),
    // A typed digest or tag, for a manifest not on the pages read (or a registry that lists none).
    { parse: (typed) => ({ digest: validateTagOrDigest(typed) }), label: (typed) => typed },
  );
  return picked?.digest;
}

export async function pickTag(
  services: Services,
  registry: SavedRegistry,
  repository: string,
  options: CommandOptions,
): Promise<string | undefined> {
  if (options.reference !== undefined) {
    return options.reference;
  }
  const client = await services.connections.getClient(registry);
  const picked = await pickFromPages(
    vscode.l10n.t("Tag in {0}", `${registry.loginServer}/${repository}`),
    vscode.l10n.t("Pick a tag"),
    (settings) => firstPage(client.listTagProperties(repository).byPage(settings)),
    (t) => ({ label: t.name, description: shortDigest(t.digest) }),
    { parse: (typed) => ({ name: validateTag(typed) }), label: (typed) => typed },
  );
  return picked?.name;
}
