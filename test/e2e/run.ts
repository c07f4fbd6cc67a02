// End-to-end UI tests: the packaged .vsix installed into a real VS Code (the
// VS Code server from code-server's npm package, see
// test/vscode/ensureCodeServer.ts), its web workbench opened in headless
// Chromium, and Playwright doing with mouse and keyboard what a user does.
// Every step asserts what the screen shows (tree rows, notifications,
// dialogs, editors) and, where the registry or the disk changes, checks that
// too. A screenshot of each step goes to .test-artifacts/e2e/; with
// `--update-screenshots` the screenshots of a fully passing run are copied to
// media/screenshots/ for the README.
//
// Registries: a CNCF distribution registry (anonymous) and the ACR stand-in
// (admin user) in front of a second one, seeded by scripts/start/sampleContent.ts.
// The user settings.json sets containerRegistryExplorer.pageSize to 5, so
// lists against the stand-in (which pages) show "Load more…".
//
// Environment: CRE_E2E_VERBOSE=1 mirrors the server and browser logs;
// CRE_E2E_HEADED=1 shows the browser (where there is a display).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { formatSize, packageExtension, repoRoot } from "../../scripts/package";
import { seedAcr, seedDistribution } from "../../scripts/start/sampleContent";
import { installVsix, serverEnv, startVsCodeServer, type VsCodeServer, writeUserSettings } from "../../scripts/start/vscodeServer";
import { type AcrStandIn, startAcrStandIn } from "../fixtures/acrStandIn";
import { getFreePort } from "../fixtures/freePort";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { ensureCodeServer } from "../vscode/ensureCodeServer";
import { launchChromium } from "../vscode/launchChromium";

const ADMIN = { username: "acradmin", password: "e2e-admin-pass" };
const PAGE_SIZE = 5;
const ACR_MANIFESTS = 8;
const BIG_LAYER = 96 * 1024 * 1024;
const artifactsDir = path.join(repoRoot, ".test-artifacts", "e2e");
const screenshotsDir = path.join(repoRoot, "media", "screenshots");
const verbose = process.env.CRE_E2E_VERBOSE === "1";
const updateScreenshots = process.argv.includes("--update-screenshots");
const started = Date.now();
/** Most waits; the first workbench load gets more. */
const TIMEOUT = 30_000;

// The functions given to page.waitForFunction run in the page, where `document` is the
// workbench's. This program is built without the DOM lib (it runs in Node), so this is the
// part of the page's document those functions use.
interface PageElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selectors: string): PageElement | null;
}
declare const document: {
  querySelector(selectors: string): PageElement | null;
  querySelectorAll(selectors: string): ArrayLike<PageElement>;
};
/** The screenshots the README shows (copied to media/screenshots/ with --update-screenshots). */
const README_SHOTS = [
  "02-connect-dialog",
  "03-connected",
  "04-tree-expanded",
  "05-delete-tag-confirmation",
  "06-pull-progress",
  "07-pull-done",
  "07b-pull-oci-layout",
  "07c-pull-docker-archive",
  "08-load-more",
  "09-context-menu-lock",
  "10-locked",
  "11-palette",
  "12-manifest-editor",
  "13-open-reference",
  "14-inspect-links",
];

function log(message: string): void {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);
}

interface Context {
  page: Page;
  local: RunningRegistry;
  standIn: AcrStandIn;
  workspace: string;
  server: VsCodeServer;
}

interface Step {
  name: string;
  /** Screenshot file stem; also the name under media/screenshots/. */
  shot: string;
  run(ctx: Context): Promise<void>;
}

// ---- what a user sees: locators for the parts of the workbench -------------

/** A row of the Container Registries tree, by its label (exact) and depth. */
function treeRow(page: Page, label: string | RegExp, level?: number): Locator {
  const exact = typeof label === "string" ? new RegExp(`^${escapeRegExp(label)}$`) : label;
  return page
    .locator(`.part.sidebar .monaco-list-row${level ? `[aria-level="${level}"]` : ""}`)
    .filter({ has: page.locator(".label-name", { hasText: exact }) });
}

function quickInput(page: Page): Locator {
  return page.locator(".quick-input-widget");
}

function quickInputRow(page: Page, text: string | RegExp): Locator {
  return quickInput(page).locator(".quick-input-list .monaco-list-row").filter({ hasText: text });
}

function notification(page: Page, text: string | RegExp): Locator {
  return page.locator(".notifications-toasts .notification-toast").filter({ hasText: text });
}

function menuItem(page: Page, text: string): Locator {
  return page.locator(".monaco-menu .action-item .action-label").filter({ hasText: new RegExp(`^${escapeRegExp(text)}$`) });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function visible(locator: Locator, timeout = TIMEOUT): Promise<Locator> {
  const waited = Date.now();
  await locator.first().waitFor({ state: "visible", timeout });
  if (Date.now() - waited > 5000) {
    log(`    (waited ${((Date.now() - waited) / 1000).toFixed(1)} s for ${locator.toString()})`);
  }
  return locator.first();
}

async function gone(locator: Locator, timeout = TIMEOUT): Promise<void> {
  await locator.first().waitFor({ state: "detached", timeout });
}

/** Answers the quick input's text box and presses Enter. */
async function typeIntoQuickInput(page: Page, text: string): Promise<void> {
  const input = await visible(quickInput(page).locator(".quick-input-box input"));
  await input.fill(text);
  await page.keyboard.press("Enter");
}

/**
 * Fills an input that its owner may still rewrite: VS Code's simple folder
 * dialog fills in its starting folder asynchronously, and text typed before
 * that lands gets merged with it ("/ws//ws/"). Fills again until the value
 * stays what was typed.
 */
async function fillSettled(page: Page, input: Locator, text: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await input.fill(text);
    await page.waitForTimeout(400);
    if ((await input.inputValue()) === text) {
      return;
    }
  }
  throw new Error(`the input would not keep ${JSON.stringify(text)}; it shows ${JSON.stringify(await input.inputValue())}`);
}

async function expand(page: Page, label: string, level: number): Promise<void> {
  const row = await visible(treeRow(page, label, level));
  if ((await row.getAttribute("aria-expanded")) !== "true") {
    await row.click();
  }
  await page.waitForFunction(
    ([text, lvl]) =>
      Array.from(document.querySelectorAll(`.part.sidebar .monaco-list-row[aria-level="${lvl}"]`)).some(
        (r) => r.querySelector(".label-name")?.textContent?.trim() === text && r.getAttribute("aria-expanded") === "true",
      ),
    [label, String(level)] as const,
    { timeout: TIMEOUT },
  );
}

async function collapse(page: Page, label: string, level: number): Promise<void> {
  const row = treeRow(page, label, level).first();
  if ((await row.count()) && (await row.getAttribute("aria-expanded")) === "true") {
    await row.click();
  }
}

/** Labels of the rows under a row, down to its next sibling (the tree is a flat list with levels). */
async function rowLabelsAt(page: Page, level: number): Promise<string[]> {
  return page.locator(`.part.sidebar .monaco-list-row[aria-level="${level}"] .label-name`).allTextContents();
}

/** Opens the row's context menu and clicks the item; the menu must close (the command ran). */
async function rightClickAndChoose(page: Page, row: Locator, item: string): Promise<void> {
  await row.click({ button: "right" });
  const entry = await visible(menuItem(page, item));
  await entry.hover();
  await entry.click();
  await gone(page.locator(".monaco-menu"), 5000).catch(async () => {
    // A menu re-rendered under the pointer (the tree updated) can swallow the click; the item is focused, so Enter runs it.
    await entry.hover();
    await page.keyboard.press("Enter");
    await gone(page.locator(".monaco-menu"), 5000);
  });
}

/**
 * Pull to Folder… on samples/hello:1.0 through the context menu, in the format whose row is
 * `formatRow`, into the workspace's folder `subfolder`; waits for the notification naming the
 * image's file or folder (`hello-<12 hex>`, then `nameSuffix`, a regular expression). Returns the
 * folder pulled into.
 */
async function pullHelloThroughMenu(
  page: Page,
  local: RunningRegistry,
  workspace: string,
  formatRow: string,
  subfolder: string,
  nameSuffix: string,
): Promise<string> {
  await dismissNotifications(page);
  const manifest = await visible(
    manifestRowWithTag(page, "1.0").filter({ hasNot: page.locator(".label-description", { hasText: "platforms" }) }),
  );
  await rightClickAndChoose(page, manifest, "Pull to Folder…");
  await visible(quickInput(page).locator(".quick-input-title", { hasText: "Pull as" }));
  await (await visible(quickInputRow(page, formatRow))).click();
  await visible(quickInput(page).locator(".quick-input-title", { hasText: "Pull into folder" }));
  const parent = path.join(workspace, subfolder);
  fs.mkdirSync(parent, { recursive: true });
  await fillSettled(page, await visible(quickInput(page).locator(".quick-input-box input")), parent + "/");
  await (await visible(quickInput(page).locator(".monaco-button", { hasText: "Pull Here" }))).click();
  const host = local.host.replace(/[.]/g, "\\.");
  await visible(
    notification(page, new RegExp(`Pulled ${host}/samples/hello@sha256:[0-9a-f]+ into .*${subfolder}/hello-[0-9a-f]{12}${nameSuffix}\\.`)),
    120_000,
  );
  return parent;
}

/** Drags the sash between the side bar and the editor, so tree rows show their descriptions. */
async function widenSideBar(page: Page, width: number): Promise<void> {
  const box = await (await visible(page.locator(".part.sidebar"))).boundingBox();
  if (!box || box.width >= width) {
    return;
  }
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 2, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}

/** The manifest row (level 3) whose description lists a tag. */
function manifestRowWithTag(page: Page, tag: string): Locator {
  return page
    .locator('.part.sidebar .monaco-list-row[aria-level="3"]')
    .filter({ has: page.locator(".label-description", { hasText: new RegExp(`(^|, )${escapeRegExp(tag)}(,| ·|$)`) }) });
}

async function registryTags(registry: { url: string }, repository: string): Promise<string[]> {
  const response = await fetch(`${registry.url}/v2/${repository}/tags/list`);
  const body = (await response.json()) as { tags?: string[] };
  return body.tags ?? [];
}

// ---- the steps ----------------------------------------------------------------

const steps: Step[] = [
  {
    name: "opens the Container Registries view from the activity bar",
    shot: "01-view-welcome",
    async run({ page }) {
      const icon = await visible(page.locator('.part.activitybar .action-label[aria-label^="Container Registries"]'), 90_000);
      await icon.click();
      await visible(page.locator(".part.sidebar .welcome-view-content", { hasText: "No registry is connected." }));
      await widenSideBar(page, 560);
      await visible(page.locator(".part.sidebar .welcome-view-content .monaco-button", { hasText: "Connect Registry" }));
    },
  },
  {
    name: "connects a registry through the dialog (loopback address without a scheme: probed, Anonymous preselected)",
    shot: "02-connect-dialog",
    async run({ page, local }) {
      await page.locator(".part.sidebar .welcome-view-content .monaco-button", { hasText: "Connect Registry" }).click();
      await visible(quickInput(page).locator(".quick-input-title", { hasText: "Connect Registry" }));
      // No scheme: the probe tries https, then plain http (the registry serves http on loopback).
      await typeIntoQuickInput(page, local.host);
      await visible(quickInput(page).locator(".quick-input-title", { hasText: `Sign in to ${local.host}` }));
      // The probe's 200 from /v2/ puts Anonymous first and active: Enter takes it.
      await visible(quickInput(page).locator(".quick-input-list .monaco-list-row.focused", { hasText: "Anonymous" }));
      await page.screenshot({ path: shotPath(this.shot) });
      await page.keyboard.press("Enter");
      await expectNotification(page, `Connected ${local.host}.`);
      const row = await visible(treeRow(page, local.host, 1));
      assertIncludes(await row.locator(".label-description").textContent(), "anonymous");
    },
  },
  {
    name: "connects the ACR stand-in with a username and password from the view's title bar",
    shot: "03-connected",
    async run({ page, standIn }) {
      await dismissNotifications(page);
      await page.locator(".part.sidebar").hover();
      await (await visible(page.locator('.part.sidebar .action-label[aria-label^="Connect Registry"]'))).click();
      await typeIntoQuickInput(page, standIn.url);
      await (await visible(quickInputRow(page, "Username and password or token"))).click();
      await visible(quickInput(page).locator(".quick-input-message", { hasText: "Username" }));
      await typeIntoQuickInput(page, ADMIN.username);
      await visible(quickInput(page).locator(".quick-input-title", { hasText: `as ${ADMIN.username}` }));
      // A wrong password first: the dialog returns to how to sign in, with the same choice active
      // and the reason shown, then to the username, still filled in.
      await typeIntoQuickInput(page, "not-the-password");
      await visible(quickInput(page).locator(".quick-input-list .monaco-list-row.focused", { hasText: "Username and password or token" }));
      const placeholder = await quickInput(page).locator(".quick-input-box input").getAttribute("placeholder");
      assertIncludes(placeholder, "How to sign in");
      if (!/401|credentials|sign/i.test(placeholder ?? "")) {
        throw new Error(`the sign-in step does not say why it is back: "${placeholder ?? ""}"`);
      }
      await page.keyboard.press("Enter");
      const username = await visible(quickInput(page).locator(".quick-input-box input"));
      await page.waitForFunction(
        (expected) =>
          (document.querySelector(".quick-input-widget .quick-input-box input") as { value?: string } | null)?.value === expected,
        ADMIN.username,
        { timeout: TIMEOUT },
      );
      await username.press("Enter");
      await visible(quickInput(page).locator(".quick-input-title", { hasText: `as ${ADMIN.username}` }));
      await typeIntoQuickInput(page, ADMIN.password);
      await expectNotification(page, `Connected ${standIn.host}.`);
      const row = await visible(treeRow(page, standIn.host, 1));
      assertIncludes(await row.locator(".label-description").textContent(), ADMIN.username);
    },
  },
  {
    name: "expands registry → repository → manifest → tags",
    shot: "04-tree-expanded",
    async run({ page, local }) {
      await dismissNotifications(page);
      await expand(page, local.host, 1);
      for (const repo of ["samples/hello", "samples/multiarch", "samples/notes", "samples/many-tags"]) {
        await visible(treeRow(page, repo, 2));
      }
      await expand(page, "samples/multiarch", 2);
      const index = await visible(manifestRowWithTag(page, "1.0"));
      assertIncludes(await index.locator(".label-description").textContent(), "2 platforms");
      await index.click();
      await visible(treeRow(page, "linux/amd64", 4));
      await visible(treeRow(page, "linux/arm64", 4));
      await expand(page, "samples/hello", 2);
      const hello = await visible(manifestRowWithTag(page, "latest"));
      await hello.click();
      await visible(treeRow(page, "1.0", 4));
      await visible(treeRow(page, "latest", 4));
    },
  },
  {
    name: "deletes a tag through the modal confirmation",
    shot: "05-delete-tag-confirmation",
    async run({ page, local }) {
      const tag = await visible(treeRow(page, "latest", 4));
      await rightClickAndChoose(page, tag, "Delete Tag…");
      const dialog = await visible(page.locator(".monaco-dialog-box"));
      assertIncludes(await dialog.textContent(), `Delete the tag ${local.host}/samples/hello:latest?`);
      await page.screenshot({ path: shotPath(this.shot) });
      await dialog.locator(".dialog-buttons .monaco-button", { hasText: /^Delete$/ }).click();
      await gone(page.locator(".monaco-dialog-box"));
      await gone(treeRow(page, "latest", 4));
      await visible(treeRow(page, "1.0", 4));
      const tags = await registryTags(local, "samples/hello");
      if (tags.includes("latest") || !tags.includes("1.0")) {
        throw new Error(`the registry's tags are now ${tags.join(", ")}; expected 1.0 without latest`);
      }
    },
  },
  {
    name: "pulls a manifest into the workspace, with a progress notification",
    shot: "06-pull-progress",
    async run({ page, local, workspace }) {
      const manifest = await visible(
        manifestRowWithTag(page, "1.0").filter({ hasNot: page.locator(".label-description", { hasText: "platforms" }) }),
      );
      await rightClickAndChoose(page, manifest, "Pull to Folder…");
      // The format, remembered as a setting: files by their titles comes first until another is chosen.
      await visible(quickInput(page).locator(".quick-input-title", { hasText: "Pull as" }));
      await (await visible(quickInputRow(page, "Files by their titles"))).click();
      // VS Code's own folder picker for the remote file system: a path in a quick input.
      await visible(quickInput(page).locator(".quick-input-title", { hasText: "Pull into folder" }));
      const input = await visible(quickInput(page).locator(".quick-input-box input"));
      await fillSettled(page, input, workspace + "/");
      await (await visible(quickInput(page).locator(".monaco-button", { hasText: "Pull Here" }))).click();
      const progress = await visible(notification(page, `Pulling ${local.host}/samples/hello@sha256:`), 60_000);
      // The big layer's bytes and percentage, if the download is still running when we look (best effort: it may be done).
      await visible(progress.filter({ hasText: /MB of 96(\.\d)? MB \(\d+%\)/ }), 5000).catch(() => undefined);
      await page.screenshot({ path: shotPath(this.shot) });
      assertIncludes(await progress.locator(".notification-list-item-source").textContent(), "Container Registry Explorer");
      const done = await visible(notification(page, /Pulled .*samples\/hello.* \(\d+ files\)\./), 120_000);
      // Into a subfolder named after the image (the repository's last component and the digest's start).
      const pulledInto = fs.readdirSync(workspace).find((name) => /^hello-[0-9a-f]{12}$/.test(name));
      if (!pulledInto) {
        throw new Error(`no hello-<digest> folder in the workspace: ${fs.readdirSync(workspace).join(", ")}`);
      }
      const imageFolder = path.join(workspace, pulledInto);
      const files = fs.readdirSync(imageFolder);
      for (const expected of ["manifest.json", "config.json"]) {
        if (!files.includes(expected)) {
          throw new Error(`${expected} is not in the workspace: ${files.join(", ")}`);
        }
      }
      const layers = files.filter((f) => f.startsWith("sha256-"));
      if (layers.length !== 4) {
        throw new Error(`expected 4 layer files, found ${layers.join(", ")}`);
      }
      const sizes = layers.map((f) => fs.statSync(path.join(imageFolder, f)).size);
      if (!sizes.some((s) => s > BIG_LAYER)) {
        throw new Error(`the big layer is missing or short: ${sizes.join(", ")}`);
      }
      assertIncludes(await done.textContent(), "6 files");
      await page.screenshot({ path: shotPath("07-pull-done") });
    },
  },
  // ---- formats (issue 17): Pull to Folder as an OCI image layout, read by skopeo ----
  {
    name: "pulls a manifest as an OCI image layout that skopeo reads",
    shot: "07b-pull-oci-layout",
    async run({ page, local, workspace }) {
      const layoutParent = await pullHelloThroughMenu(page, local, workspace, "OCI image layout", "layouts", "");
      await page.screenshot({ path: shotPath(this.shot) });
      const layouts = fs.readdirSync(layoutParent);
      if (layouts.length !== 1) {
        throw new Error(`expected one layout folder, found ${layouts.join(", ")}`);
      }
      const { execFileSync } = await import("node:child_process");
      const inspected = JSON.parse(
        execFileSync("skopeo", ["inspect", `oci:${path.join(layoutParent, layouts[0])}`], { encoding: "utf8" }),
      ) as { Layers: string[] };
      if (inspected.Layers.length !== 4) {
        throw new Error(`skopeo read ${inspected.Layers.length} layers from the layout; expected 4`);
      }
    },
  },
  {
    name: "pulls a manifest as a docker-archive tarball whose manifest.json lists the config and layers",
    shot: "07c-pull-docker-archive",
    async run({ page, local, workspace }) {
      const archiveParent = await pullHelloThroughMenu(page, local, workspace, "docker-archive tarball", "archives", "\\.tar");
      await page.screenshot({ path: shotPath(this.shot) });
      const archives = fs.readdirSync(archiveParent);
      if (archives.length !== 1 || !archives[0].endsWith(".tar")) {
        throw new Error(`expected one .tar file, found ${archives.join(", ")}`);
      }
      const archive = path.join(archiveParent, archives[0]);
      // manifest.json as docker load reads it: one entry naming the config and the layers, each a member of the tarball.
      const { execFileSync } = await import("node:child_process");
      const members = execFileSync("tar", ["-tf", archive], { encoding: "utf8" }).split("\n").filter(Boolean);
      const entries = JSON.parse(execFileSync("tar", ["-xOf", archive, "manifest.json"], { encoding: "utf8" })) as {
        Config: string;
        Layers: string[];
      }[];
      if (entries.length !== 1 || entries[0].Layers.length !== 4) {
        throw new Error(`manifest.json: expected one image of 4 layers, read ${JSON.stringify(entries)}`);
      }
      for (const member of [entries[0].Config, ...entries[0].Layers]) {
        if (!members.includes(member)) {
          throw new Error(`manifest.json names ${member}, which the tarball does not hold (it holds ${members.join(", ")})`);
        }
      }
      const inspected = JSON.parse(execFileSync("skopeo", ["inspect", `docker-archive:${archive}`], { encoding: "utf8" })) as {
        Layers: string[];
      };
      if (inspected.Layers.length !== 4) {
        throw new Error(`skopeo read ${inspected.Layers.length} layers from the archive; expected 4`);
      }
    },
  },
  // ---- end of formats ----
  {
    name: 'clicks "Load more…" under a repository of the ACR stand-in (page size 5)',
    shot: "08-load-more",
    async run({ page, local, standIn }) {
      await dismissNotifications(page);
      await collapse(page, local.host, 1);
      await expand(page, standIn.host, 1);
      await visible(treeRow(page, "demo/app", 2));
      await expand(page, "demo/many-tags", 2);
      const more = await visible(treeRow(page, "Load more…", 3));
      const before = (await rowLabelsAt(page, 3)).filter((l) => l.startsWith("sha256:"));
      if (before.length !== PAGE_SIZE) {
        throw new Error(`expected ${PAGE_SIZE} manifests on the first page, saw ${before.length}`);
      }
      await page.screenshot({ path: shotPath("08-load-more-before") });
      await more.click();
      await gone(treeRow(page, "Load more…", 3));
      await page.waitForFunction(
        (count) => document.querySelectorAll('.part.sidebar .monaco-list-row[aria-level="3"]').length >= count,
        ACR_MANIFESTS,
        { timeout: TIMEOUT },
      );
      const after = (await rowLabelsAt(page, 3)).filter((l) => l.startsWith("sha256:"));
      if (after.length !== ACR_MANIFESTS) {
        throw new Error(`expected ${ACR_MANIFESTS} manifests after Load more…, saw ${after.length}`);
      }
      const descriptions = (await page.locator('.part.sidebar .monaco-list-row[aria-level="3"] .label-description').allTextContents()).join(
        "\n",
      );
      for (let i = 1; i <= ACR_MANIFESTS; i++) {
        assertIncludes(descriptions, `build-${String(i).padStart(3, "0")}`);
      }
    },
  },
  {
    name: "locks a tag from its context menu (right-click → Lock)",
    shot: "09-context-menu-lock",
    async run({ page }) {
      await collapse(page, "demo/many-tags", 2);
      await expand(page, "demo/app", 2);
      const manifest = await visible(manifestRowWithTag(page, "v1"));
      await manifest.click();
      const tag = await visible(treeRow(page, "v1", 4));
      await tag.click({ button: "right" });
      await visible(menuItem(page, "Lock (Disable Write)"));
      await visible(menuItem(page, "Disable Delete"));
      await visible(menuItem(page, "Delete Tag…"));
      await page.screenshot({ path: shotPath(this.shot) });
      await menuItem(page, "Lock (Disable Write)").click();
      await page.waitForFunction(
        () =>
          Array.from(document.querySelectorAll('.part.sidebar .monaco-list-row[aria-level="4"]')).some(
            (r) =>
              r.querySelector(".label-name")?.textContent?.trim() === "v1" &&
              /locked/.test(r.querySelector(".label-description")?.textContent ?? ""),
          ),
        undefined,
        { timeout: TIMEOUT },
      );
      // The menu now offers the opposite.
      await treeRow(page, "v1", 4).click({ button: "right" });
      await visible(menuItem(page, "Unlock (Enable Write)"));
      // ACR refuses to delete a locked tag: VS Code's own evaluation of the menu's when clause hides Delete.
      if ((await menuItem(page, "Delete Tag…").count()) !== 0) {
        throw new Error("Delete Tag… is offered on a locked tag");
      }
      await page.keyboard.press("Escape");
      await page.screenshot({ path: shotPath("10-locked") });
    },
  },
  {
    name: "runs Open Manifest from the command palette (F1) and picks the manifest",
    shot: "11-palette",
    async run({ page, local }) {
      await page
        .locator(".part.editor")
        .click({ position: { x: 200, y: 200 } })
        .catch(() => undefined);
      await page.keyboard.press("F1");
      const input = await visible(quickInput(page).locator(".quick-input-box input"));
      await input.fill(">Container Registry: Open Manifest");
      await visible(quickInputRow(page, "Container Registry: Open Manifest"));
      await page.screenshot({ path: shotPath(this.shot) });
      await page.keyboard.press("Enter");
      await visible(quickInput(page).locator(".quick-input-title", { hasText: "Registry" }));
      await (await visible(quickInputRow(page, local.host))).click();
      await (await visible(quickInputRow(page, "samples/notes"))).click();
      await (await visible(quickInputRow(page, "A manifest…"))).click();
      await (await visible(quickInputRow(page, "v1"))).click();
      const editor = await visible(page.locator(".part.editor .view-lines"));
      await page.waitForFunction(
        () => /vnd\.example\.notes\.v1/.test(document.querySelector(".part.editor .view-lines")?.textContent ?? ""),
        undefined,
        {
          timeout: TIMEOUT,
        },
      );
      assertIncludes(await editor.textContent(), "org.opencontainers.image.title");
      await page.screenshot({ path: shotPath("12-manifest-editor") });
    },
  },
  {
    name: "opens a pasted reference from the palette: the manifest row is selected, then Open Manifest",
    shot: "13-open-reference",
    async run({ page, local }) {
      await dismissNotifications(page);
      await page
        .locator(".part.editor")
        .click({ position: { x: 200, y: 200 } })
        .catch(() => undefined);
      await page.keyboard.press("F1");
      const input = await visible(quickInput(page).locator(".quick-input-box input"));
      await input.fill(">Container Registry: Open Reference");
      await (await visible(quickInputRow(page, "Container Registry: Open Reference…"))).click();
      await visible(quickInput(page).locator(".quick-input-title", { hasText: "Open Reference" }));
      const reference = `${local.host}/samples/multiarch:1.0`;
      await fillSettled(page, await visible(quickInput(page).locator(".quick-input-box input")), reference);
      await visible(quickInputRow(page, `Open ${reference}`));
      await page.screenshot({ path: shotPath(this.shot) });
      await page.keyboard.press("Enter");
      await visible(quickInput(page).locator(".quick-input-title", { hasText: `Opened ${reference}` }));
      const selected = await visible(page.locator('.part.sidebar .monaco-list-row.selected[aria-level="3"]'));
      assertIncludes(await selected.locator(".label-description").textContent(), "1.0");
      await (await visible(quickInputRow(page, "Open Manifest"))).click();
      await page.waitForFunction(
        () => /image\.index\.v1\+json|manifest\.list\.v2\+json/.test(document.querySelector(".part.editor .view-lines")?.textContent ?? ""),
        undefined,
        {
          timeout: TIMEOUT,
        },
      );
    },
  },
  {
    name: "inspects an image and clicks the digest links in the Markdown preview: the manifest, then the config",
    shot: "14-inspect-links",
    async run({ page, local }) {
      await dismissNotifications(page);
      await page.keyboard.press("F1");
      const input = await visible(quickInput(page).locator(".quick-input-box input"));
      await input.fill(">Container Registry: Open Reference");
      await (await visible(quickInputRow(page, "Container Registry: Open Reference…"))).click();
      const reference = `${local.host}/samples/hello:1.0`;
      await fillSettled(page, await visible(quickInput(page).locator(".quick-input-box input")), reference);
      await visible(quickInputRow(page, `Open ${reference}`));
      await page.keyboard.press("Enter");
      await (await visible(quickInputRow(page, "Inspect"))).click();
      // The preview is a webview: its content is two iframes down.
      const preview = page.frameLocator("iframe.webview.ready").frameLocator("iframe#active-frame");
      await visible(preview.locator("h1", { hasText: `${local.host}/samples/hello:1.0` }));
      await page.screenshot({ path: shotPath(this.shot) });
      const manifestDigest = (await (await visible(preview.locator("tr", { hasText: "Digest" }).locator("a code"))).textContent()) ?? "";
      const opened = async (suffix: string, content: RegExp) => {
        await visible(page.locator(".part.editor .tab.active", { hasText: `@${manifestDigest}${suffix}` }));
        await page.waitForFunction(
          (source) => new RegExp(source).test(document.querySelector(".part.editor .editor-instance .view-lines")?.textContent ?? ""),
          content.source,
          { timeout: TIMEOUT },
        );
      };
      await preview.locator("tr", { hasText: "Digest" }).locator("a").click();
      await opened(".manifest.json", /"schemaVersion"\s*:\s*2/);
      await page.screenshot({ path: shotPath("15-inspect-manifest-link") });
      // Back to the preview tab, then the config's link.
      await (await visible(page.locator(".part.editor .tab", { hasText: "Preview" }))).click();
      await preview.locator("tr", { hasText: "Config" }).locator("a").first().click();
      await opened(".config.json", /"architecture"/);
    },
  },
];

function assertIncludes(text: string | null, expected: string): void {
  if (!text?.includes(expected)) {
    throw new Error(`expected the screen to show "${expected}", it shows "${text ?? ""}"`);
  }
}

/** Closes the notification toasts (hovering shows their close button). */
async function dismissNotifications(page: Page): Promise<void> {
  for (const toast of await page.locator(".notifications-toasts .notification-toast").all()) {
    await toast.hover({ timeout: 2000 }).catch(() => undefined);
    await toast
      .locator(".codicon-notifications-clear")
      .click({ timeout: 2000 })
      .catch(() => undefined);
  }
}

/**
 * A notification the extension showed: as a toast, or else in the notification
 * center (VS Code queues a toast behind three visible ones, progress toasts
 * included, and may file it straight into the center).
 */
async function expectNotification(page: Page, text: string): Promise<void> {
  if (
    await visible(notification(page, text), 10_000).then(
      () => true,
      () => false,
    )
  ) {
    return;
  }
  await page.locator(".statusbar-item .codicon-bell, .statusbar-item .codicon-bell-dot").first().click();
  await visible(page.locator(".notifications-center .notification-list-item-message", { hasText: text }));
  await page.keyboard.press("Escape");
}

async function toastTexts(page: Page): Promise<string[]> {
  return page
    .locator(".notification-list-item-message")
    .allTextContents()
    .catch(() => []);
}

function shotPath(stem: string): string {
  return path.join(artifactsDir, `${stem}.png`);
}

// ---- set-up, run, tear-down ---------------------------------------------------

async function main(): Promise<number> {
  fs.rmSync(artifactsDir, { recursive: true, force: true });
  fs.mkdirSync(artifactsDir, { recursive: true });
  const { node, serverMain } = ensureCodeServer(repoRoot);
  const packaged = packageExtension({ quiet: true });
  log(
    `packaged ${path.basename(packaged.file)}: ${formatSize(packaged.bytes)}, ${packaged.files.length} files (${packaged.files.join(", ")})`,
  );

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cre-e2e-"));
  const workspace = path.join(tmp, "workspace");
  fs.mkdirSync(workspace);
  const dockerConfig = path.join(tmp, "docker");
  fs.mkdirSync(dockerConfig);
  let local: RunningRegistry | undefined;
  let upstream: RunningRegistry | undefined;
  let standIn: AcrStandIn | undefined;
  let server: VsCodeServer | undefined;
  let browser: Browser | undefined;
  const cleanup = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    server?.stop();
    await standIn?.stop().catch(() => undefined);
    await Promise.all([local?.stop(), upstream?.stop()]);
    if (process.env.CRE_E2E_KEEP === "1") {
      log(`kept ${tmp} (CRE_E2E_KEEP=1)`);
    } else {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void cleanup().then(() => process.exit(130)));
  }

  let passed = 0;
  let failed = 0;
  const shots: string[] = [];
  try {
    local = await startRegistry({ deleteEnabled: true });
    upstream = await startRegistry({ deleteEnabled: true });
    standIn = await startAcrStandIn({ upstream: upstream.url, adminUser: ADMIN });
    await seedDistribution({ url: local.url }, { manyTags: 12, bigLayerBytes: BIG_LAYER });
    await seedAcr({ url: standIn.url, ...ADMIN }, { manyTags: ACR_MANIFESTS });
    log(`registries seeded: distribution ${local.url}, ACR stand-in ${standIn.url}`);

    const dirs = {
      userData: path.join(tmp, "user-data"),
      serverData: path.join(tmp, "server-data"),
      extensions: path.join(tmp, "extensions"),
    };
    installVsix(node, serverMain, dirs, packaged.file);
    const installed = fs.readdirSync(dirs.extensions).filter((d) => d.startsWith("container-registry-explorer."));
    if (installed.length !== 1) {
      throw new Error(`the .vsix did not install into ${dirs.extensions}: ${fs.readdirSync(dirs.extensions).join(", ")}`);
    }
    log(`installed ${installed[0]} from the .vsix`);
    writeUserSettings(dirs, {
      "containerRegistryExplorer.pageSize": PAGE_SIZE,
      "workbench.startupEditor": "none",
      "workbench.tips.enabled": false,
      "telemetry.telemetryLevel": "off",
      "extensions.autoCheckUpdates": false,
      "extensions.autoUpdate": false,
      "chat.disableAIFeatures": true,
      "workbench.secondarySideBar.defaultVisibility": "hidden",
      "security.workspace.trust.enabled": false,
      "window.dialogStyle": "custom",
      // Screenshots of menus and notifications, not of their fade-in.
      "workbench.reduceMotion": "on",
    });
    const port = await getFreePort();
    server = await startVsCodeServer({
      node,
      serverMain,
      host: "127.0.0.1",
      port,
      dirs,
      env: serverEnv({ DOCKER_CONFIG: dockerConfig }),
      disableWorkspaceTrust: true,
      logFile: path.join(artifactsDir, "vscode-server.log"),
      verbose,
    });
    log(`VS Code server on 127.0.0.1:${port}`);

    browser = await launchChromium(process.env.CRE_E2E_HEADED !== "1");
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, reducedMotion: "reduce" });
    page.setDefaultTimeout(TIMEOUT);
    const browserLog = fs.createWriteStream(path.join(artifactsDir, "browser-console.log"));
    page.on("console", (message) => {
      browserLog.write(`[${message.type()}] ${message.text()}\n`);
      if (verbose) {
        console.log(`[browser ${message.type()}] ${message.text()}`);
      }
    });
    page.on("pageerror", (error) => browserLog.write(`[page error] ${error.stack ?? error.message}\n`));
    await page.goto(server.urlFor(workspace));
    const ctx: Context = { page, local, standIn, workspace, server };

    for (const [index, step] of steps.entries()) {
      const stepStarted = Date.now();
      try {
        await step.run.call(step, ctx);
        if (!fs.existsSync(shotPath(step.shot))) {
          await page.screenshot({ path: shotPath(step.shot) });
        }
        passed++;
        console.log(`  ✓ ${index + 1}. ${step.name} (${((Date.now() - stepStarted) / 1000).toFixed(1)} s)`);
      } catch (error) {
        failed++;
        const shot = shotPath(`${step.shot}-FAILED`);
        await page.screenshot({ path: shot }).catch(() => undefined);
        console.log(`      notifications on screen: ${JSON.stringify(await toastTexts(page))}`);
        console.log(
          `  ✗ ${index + 1}. ${step.name}\n      ${(error instanceof Error ? error.message : String(error)).split("\n").join("\n      ")}\n      screenshot: ${path.relative(repoRoot, shot)}`,
        );
        // Whatever was open (a menu, a quick input, a dialog) must not block the next step.
        for (let i = 0; i < 3; i++) {
          await page.keyboard.press("Escape").catch(() => undefined);
        }
      }
    }
    shots.push(
      ...fs
        .readdirSync(artifactsDir)
        .filter((f) => f.endsWith(".png") && !f.includes("FAILED"))
        .sort(),
    );
    browserLog.end();
  } catch (error) {
    failed++;
    console.error(`e2e set-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await cleanup();
  }

  log(`screenshots in ${path.relative(repoRoot, artifactsDir)}/: ${shots.join(", ")}`);
  if (updateScreenshots) {
    if (failed === 0) {
      fs.rmSync(screenshotsDir, { recursive: true, force: true });
      fs.mkdirSync(screenshotsDir, { recursive: true });
      const chosen = shots.filter((shot) => README_SHOTS.includes(shot.replace(/\.png$/, "")));
      for (const shot of chosen) {
        fs.copyFileSync(path.join(artifactsDir, shot), path.join(screenshotsDir, shot));
      }
      log(`copied ${chosen.length} screenshots to ${path.relative(repoRoot, screenshotsDir)}/: ${chosen.join(", ")}`);
    } else {
      log("not updating media/screenshots/: some steps failed");
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed === steps.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    console.log(`0 passed, ${steps.length} failed`);
    process.exit(1);
  },
);
