// The Azure group (issue 16) in a real VS Code: tenants, subscriptions and
// registries from the ARM stand-in (test/fixtures/arm/), registries that
// expand through ACR stand-ins (TLS, as login servers from ARM are https)
// in front of a real distribution registry, the subscription filter, every
// error row and its action. Only the sign-in is replaced: a session source
// that mints tokens from the fake Entra the stand-ins trust, and records
// every session request the extension makes.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import { ACR_AUDIENCE, type AcrStandIn, getFakeEntra, startAcrStandIn } from "../../fixtures/acrStandIn";
import {
  ARM_AUDIENCE,
  type ArmStandIn,
  INCLUDED_STORAGE_BYTES,
  MFA_CLAIMS,
  startArmStandIn,
  type StandInTenant,
} from "../../fixtures/arm/armStandIn";
import { createTlsMaterial } from "../../fixtures/pki";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { pushImage } from "../../fixtures/seed";
import type { FakeEntra } from "../../fixtures/acr/entra";
import { resolveCloud } from "../../../src/extension/azure/cloud";
import type { AzureAccount, AzureSessionRequest, AzureSessionSource } from "../../../src/extension/azure/sessionSource";
import type { TreeNode } from "../../../src/extension/tree/treeNode";
import { child, children, command, getApi, item, label, labels, runAcceptingQuickPicks } from "./extensionTestHelpers";

const T1 = "11111111-1111-4111-8111-111111111111";
const T2 = "22222222-2222-4222-8222-222222222222";
const T3 = "33333333-3333-4333-8333-333333333333";
const S_PROD = "aaaaaaaa-0000-4000-8000-000000000001";
const S_SANDBOX = "aaaaaaaa-0000-4000-8000-000000000002";
const S_EMPTY = "aaaaaaaa-0000-4000-8000-000000000003";
const S_FABRIKAM = "bbbbbbbb-0000-4000-8000-000000000004";
const ENDPOINT_SETTING = "containerRegistryExplorer.azure.resourceManagerEndpoint";
const SUBSCRIPTIONS_SETTING = "containerRegistryExplorer.azure.subscriptions";
const CA_SETTING = "containerRegistryExplorer.caCertificateFile";

/**
 * VS Code's Microsoft sign-in, replaced: accounts that are "signed in", and
 * tokens minted by the fake Entra for the requested resource and tenant, with
 * `amr: ["mfa"]` once the user re-authenticated for a tenant.
 */
class TestSessionSource implements AzureSessionSource {
  readonly requests: AzureSessionRequest[] = [];
  readonly signedIn: AzureAccount[] = [];
  /** Accounts that an interactive sign-in adds, in order. */
  readonly toSignIn: AzureAccount[] = [];
  /** Whether interactive requests succeed (false: the user dismissed the dialog). */
  interactiveAllowed = true;
  /** Tenants whose sessions cannot be had silently until the user signs in again (expired, revoked). */
  readonly silentRefused = new Set<string>();
  private readonly mfaDone = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeSessions = this.changed.event;

  constructor(
    private readonly entra: FakeEntra,
    private readonly homeTenant: string,
  ) {}

  async getAccounts(): Promise<readonly AzureAccount[]> {
    return [...this.signedIn];
  }

  async getSession(request: AzureSessionRequest): Promise<{ accessToken: string; account: AzureAccount } | undefined> {
    this.requests.push(request);
    let account = request.account ? this.signedIn.find((a) => a.id === request.account!.id) : this.signedIn[0];
    if (request.mode !== "silent" && (!account || request.chooseAccount)) {
      if (!this.interactiveAllowed || this.toSignIn.length === 0) {
        return undefined;
      }
      account = this.toSignIn.shift()!;
      this.signedIn.push(account);
      this.changed.fire();
    }
    if (!account) {
      return undefined;
    }
    const tenant = request.scopes.find((s) => s.startsWith("VSCODE_TENANT:"))?.slice("VSCODE_TENANT:".length) ?? this.homeTenant;
    const resource = request.scopes.find((s) => s.endsWith("/.default"))!.slice(0, -"/.default".length);
    if (request.mode === "reauthenticate") {
      this.mfaDone.add(`${account.id}/${tenant}`);
      this.silentRefused.delete(tenant);
    } else if (request.mode === "silent" && this.silentRefused.has(tenant)) {
      return undefined;
    }
    const amr = this.mfaDone.has(`${account.id}/${tenant}`) ? ["pwd", "mfa"] : ["pwd"];
    return { accessToken: this.entra.issueToken(resource, { tenantId: tenant, claims: { upn: account.label, amr } }), account };
  }

  signOut(accountId: string): void {
    const index = this.signedIn.findIndex((a) => a.id === accountId);
    this.signedIn.splice(index, 1);
    this.changed.fire();
  }
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Global);
}

/** Runs a row's own action, exactly as a click on it does. */
async function click(node: TreeNode): Promise<unknown> {
  const api = await getApi();
  const action = item(api, node).command;
  assert.ok(action, `${label(api, node)} has no action`);
  return vscode.commands.executeCommand(action.command, ...((action.arguments ?? []) as unknown[]));
}

/** The tooltip as a reader sees it: MarkdownString.appendText's escapes undone. */
function tooltipText(node: TreeNode, api: Awaited<ReturnType<typeof getApi>>): string {
  const tooltip = item(api, node).tooltip;
  const markdown = typeof tooltip === "string" ? tooltip : (tooltip?.value ?? "");
  return markdown
    .replace(/\*\*/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, "$1");
}

function armChunkLoaded(): boolean {
  return Object.keys(require.cache).some((file) => file.endsWith(`${path.sep}dist${path.sep}azureArm.js`));
}

describe("Azure group: subscriptions and their registries", function () {
  this.timeout(180_000);
  let upstream: RunningRegistry;
  let acrArm: AcrStandIn;
  let acrOnly: AcrStandIn;
  let arm: ArmStandIn;
  let source: TestSessionSource;
  let restoreSource: vscode.Disposable | undefined;
  let tenants: StandInTenant[];
  const alice = { id: "alice-id", label: "alice@contoso.com" };
  const bob = { id: "bob-id", label: "bob@fabrikam.com" };

  before(async () => {
    const api = await getApi();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cre-azure-"));
    const tls = createTlsMaterial(dir);
    const serverTls = { keyPem: tls.serverKeyPem, certPem: tls.serverCertPem };
    upstream = await startRegistry();
    await pushImage(upstream, "team/app", "v1", { layers: [Buffer.from("azure app layer")] });
    await pushImage(upstream, "team/web", "v1", { layers: [Buffer.from("azure web layer")] });
    // One ACR that takes ARM-audience tokens (the default), one that refuses them (azureADAuthenticationAsArmPolicy off).
    acrArm = await startAcrStandIn({ upstream: upstream.url, tls: serverTls, entraAudiences: [ACR_AUDIENCE, ARM_AUDIENCE] });
    acrOnly = await startAcrStandIn({ upstream: upstream.url, tls: serverTls, entraAudiences: [ACR_AUDIENCE] });
    tenants = [
      {
        tenantId: T1,
        displayName: "Contoso",
        defaultDomain: "contoso.onmicrosoft.com",
        subscriptions: [
          {
            subscriptionId: S_PROD,
            displayName: "Production",
            registries: [
              { name: "echo", resourceGroup: "rg-e", loginServer: acrArm.host },
              {
                name: "alpha",
                resourceGroup: "rg-a",
                loginServer: acrArm.host,
                sku: "Premium",
                location: "eastus",
                adminUserEnabled: true,
                publicNetworkAccess: "Disabled",
                storageUsedBytes: 5 * 1024 ** 3,
              },
              { name: "bravo", resourceGroup: "rg-b", loginServer: acrOnly.host, armAudienceTokens: "disabled" },
              { name: "delta", resourceGroup: "rg-d", loginServer: acrArm.host, sku: "Basic" },
              { name: "charlie", resourceGroup: "rg-c", loginServer: acrArm.host },
            ],
          },
          {
            subscriptionId: S_SANDBOX,
            displayName: "Sandbox",
            forbidden: true,
            registries: [{ name: "sandboxreg", resourceGroup: "rg-s", loginServer: acrArm.host }],
          },
          { subscriptionId: S_EMPTY, displayName: "Empty", registries: [] },
        ],
      },
      {
        tenantId: T2,
        displayName: "Fabrikam",
        defaultDomain: "fabrikam.onmicrosoft.com",
        requireMfa: true,
        subscriptions: [
          {
            subscriptionId: S_FABRIKAM,
            displayName: "Fabrikam Dev",
            registries: [{ name: "fabrikamreg", resourceGroup: "rg-f", loginServer: acrArm.host }],
          },
        ],
      },
      { tenantId: T3, displayName: "No Subscriptions Inc", defaultDomain: "nosubs.onmicrosoft.com", subscriptions: [] },
    ];
    arm = await startArmStandIn({ tenants, tls: serverTls, registryPageSize: 2 });
    await setSetting(CA_SETTING, tls.caCertPath);
    await setSetting(ENDPOINT_SETTING, arm.url);
    source = new TestSessionSource(await getFakeEntra(), T1);
    restoreSource = api.azure.useSessionSource(source);
  });

  after(async () => {
    const api = await getApi();
    await command("azure.hide");
    restoreSource?.dispose();
    await setSetting(SUBSCRIPTIONS_SETTING, undefined);
    await setSetting(ENDPOINT_SETTING, undefined);
    await setSetting(CA_SETTING, undefined);
    for (const registry of api.connections.list()) {
      await command("disconnect", { registry: registry.id });
    }
    await arm?.stop();
    await acrArm?.stop();
    await acrOnly?.stop();
    await upstream?.stop();
  });

  async function group(): Promise<TreeNode> {
    return child(await getApi(), undefined, "Azure");
  }

  async function tenant(name: string): Promise<TreeNode> {
    return child(await getApi(), await group(), name);
  }

  async function subscription(tenantName: string, name: string): Promise<TreeNode> {
    return child(await getApi(), await tenant(tenantName), name);
  }

  it("is hidden until asked for, and activation did not load the ARM libraries", async () => {
    const api = await getApi();
    assert.ok(!(await labels(api)).includes("Azure"));
    assert.strictEqual(armChunkLoaded(), false, "dist/azureArm.js is loaded only when the Azure group first lists");
  });

  it("Connect Registry offers Sign in to Azure, which shows the group with a Sign in row when the user dismisses the sign-in", async () => {
    const api = await getApi();
    source.interactiveAllowed = false;
    // The dialog's first step, answered as a keyboard user would: Enter on the selected (only) choice.
    assert.strictEqual(await runAcceptingQuickPicks("containerRegistryExplorer.connect"), undefined, "nothing was connected by address");
    assert.deepStrictEqual(
      source.requests.map((r) => [r.mode, r.providerId, ...r.scopes]),
      [["interactive", "microsoft", `${ARM_AUDIENCE}/.default`]],
    );
    const rows = await children(api, await group());
    assert.deepStrictEqual(
      rows.map((n) => label(api, n)),
      ["Sign in to Azure…"],
    );
    assert.strictEqual(item(api, rows[0]).contextValue, "azureRow;signIn");
  });

  it("the Sign in row signs in, and the group lists the account's directories", async () => {
    const api = await getApi();
    source.interactiveAllowed = true;
    source.toSignIn.push(alice);
    await click((await children(api, await group()))[0]);
    assert.deepStrictEqual(await labels(api, await group()), ["Contoso", "Fabrikam", "No Subscriptions Inc"]);
    assert.strictEqual(item(api, await group()).description, alice.label);
    assert.ok(armChunkLoaded(), "the ARM chunk is loaded now");
    const tenantList = arm.requests.filter((r) => r.url.startsWith("/tenants"));
    assert.ok(
      tenantList.length >= 1 && tenantList.every((r) => r.status === 200 && r.tenantId === T1),
      "listed with the home tenant's token",
    );
  });

  it("lists a tenant's subscriptions with that tenant's session, and a subscription's registries across nextLink pages", async () => {
    const api = await getApi();
    source.requests.length = 0;
    arm.requests.length = 0;
    assert.deepStrictEqual(await labels(api, await tenant("Contoso")), ["Empty", "Production", "Sandbox"]);
    const production = await subscription("Contoso", "Production");
    const registries = await children(api, production);
    assert.deepStrictEqual(
      registries.map((n) => label(api, n)),
      ["alpha", "bravo", "charlie", "delta", "echo"],
    );
    // Five registries, two per page: three list requests, the later ones at the nextLink ARM gave.
    const pages = arm.requests.filter((r) => r.url.startsWith(`/subscriptions/${S_PROD}/providers/Microsoft.ContainerRegistry/registries`));
    assert.deepStrictEqual(
      pages.map((r) => new URL(r.url, arm.url).searchParams.get("$skipToken")),
      [null, "2", "4"],
    );
    assert.ok(pages.every((r) => r.status === 200 && r.tenantId === T1));
    // Every session request was silent, for ARM's scope, in the subscription's tenant.
    assert.ok(source.requests.length > 0);
    for (const request of source.requests) {
      assert.strictEqual(request.mode, "silent");
      assert.deepStrictEqual(request.scopes, [`${ARM_AUDIENCE}/.default`, `VSCODE_TENANT:${T1}`]);
      assert.strictEqual(request.account?.id, alice.id);
    }
    const alpha = registries[0];
    assert.strictEqual(item(api, alpha).description, `${acrArm.host} · Premium · eastus`);
    assert.strictEqual(item(api, alpha).contextValue, "azureRegistry;auth:microsoft");
    const tooltip = tooltipText(alpha, api);
    assert.match(tooltip, /Admin user: enabled/);
    assert.match(tooltip, /Public network access: Disabled/);
    assert.match(tooltip, /Storage used: 5\.0 GB of 500 GB included in the SKU \(1%\)/);
    assert.strictEqual(INCLUDED_STORAGE_BYTES.Premium, 500 * 1024 ** 3);
    assert.match(tooltipText(registries[3], api), /Storage used: 0 B of 10 GB included in the SKU \(0%\)/);
    assert.strictEqual(arm.requests.filter((r) => r.url.includes("/listUsages")).length, 5, "one usages call per registry");
  });

  it("expands a registry through ACR's token exchange with the ARM-audience session, asking nothing", async () => {
    const api = await getApi();
    source.requests.length = 0;
    acrArm.resetRecords();
    const alpha = await child(api, await subscription("Contoso", "Production"), "alpha");
    assert.deepStrictEqual(await labels(api, alpha), ["team/app", "team/web"]);
    const exchanges = acrArm.exchanges.filter((e) => e.status === 200);
    assert.ok(exchanges.length >= 1);
    assert.ok(exchanges.every((e) => e.entraAudience?.replace(/\/$/, "") === ARM_AUDIENCE));
    assert.ok(source.requests.every((r) => r.mode === "silent" && r.scopes.includes(`VSCODE_TENANT:${T1}`)));
    const repository = await child(api, alpha, "team/app");
    assert.strictEqual((await children(api, repository)).length, 1, "one manifest");
  });

  it("asks for an ACR-audience token where ARM-audience tokens are disabled, and says so in the log", async () => {
    const api = await getApi();
    acrOnly.resetRecords();
    const bravo = await child(api, await subscription("Contoso", "Production"), "bravo");
    assert.deepStrictEqual(await labels(api, bravo), ["team/app", "team/web"]);
    const exchanges = acrOnly.exchanges.filter((e) => e.status === 200);
    assert.ok(exchanges.length >= 1 && exchanges.every((e) => e.entraAudience === ACR_AUDIENCE));
    assert.ok(
      acrOnly.exchanges.every((e) => e.status === 200),
      "no ARM-audience token was tried on it",
    );
    assert.ok(
      api.log.recent.some((line) =>
        line.includes(`${acrOnly.host} does not accept ARM-audience tokens (azureADAuthenticationAsArmPolicy is disabled)`),
      ),
    );
    assert.match(tooltipText(bravo, api), /ACR-audience token/);
  });

  it("a registry whose tenant session is gone offers to sign in again rather than asking by itself", async () => {
    const api = await getApi();
    const charlie = await child(api, await subscription("Contoso", "Production"), "charlie");
    source.requests.length = 0;
    source.silentRefused.add(T1);
    let row: TreeNode;
    try {
      [row] = await children(api, charlie);
      assert.strictEqual(label(api, row), "Sign in again to this directory…", String(item(api, row).description));
      assert.ok(source.requests.length > 0 && source.requests.every((r) => r.mode === "silent"), "nothing asked the user");
    } finally {
      source.silentRefused.clear();
    }
    source.silentRefused.add(T1);
    await click(row);
    assert.deepStrictEqual(
      source.requests.filter((r) => r.mode !== "silent").map((r) => [r.mode, ...r.scopes]),
      [["reauthenticate", `${ARM_AUDIENCE}/.default`, `VSCODE_TENANT:${T1}`]],
    );
    assert.deepStrictEqual(await labels(api, charlie), ["team/app", "team/web"]);
  });

  it("pins a registry as an ordinary connected registry", async () => {
    const api = await getApi();
    const alpha = await child(api, await subscription("Contoso", "Production"), "alpha");
    const saved = await command<{ id: string; endpoint: string; auth: string; tenantId?: string }>("azure.pin", alpha);
    assert.deepStrictEqual(
      api.connections.list().map((r) => ({ endpoint: r.endpoint, auth: r.auth, tenantId: r.tenantId })),
      [{ endpoint: `https://${acrArm.host}`, auth: "microsoft", tenantId: T1 }],
    );
    assert.ok((await labels(api)).includes(acrArm.host), "a root of its own");
    await command("disconnect", { registry: saved.id });
  });

  it("shows only the subscriptions of the filter setting, and sends nothing for the others", async () => {
    const api = await getApi();
    await setSetting(SUBSCRIPTIONS_SETTING, [S_PROD.toUpperCase()]);
    arm.requests.length = 0;
    const contoso = await tenant("Contoso");
    assert.deepStrictEqual(await labels(api, contoso), ["Production"]);
    await children(api, await subscription("Contoso", "Production"));
    assert.ok(!arm.requests.some((r) => r.url.includes(S_SANDBOX) || r.url.includes(S_EMPTY)), "hidden subscriptions are not listed");

    await setSetting(SUBSCRIPTIONS_SETTING, ["00000000-0000-4000-8000-00000000dead"]);
    const [row] = await children(api, await tenant("Contoso"));
    assert.strictEqual(label(api, row), "3 subscriptions hidden by the filter");
    assert.strictEqual(item(api, row).command?.command, "containerRegistryExplorer.azure.selectSubscriptions");
    assert.deepStrictEqual(await command("azure.selectSubscriptions", { subscriptionIds: [] }), []);
    assert.deepStrictEqual(vscode.workspace.getConfiguration().get(SUBSCRIPTIONS_SETTING), []);
    assert.deepStrictEqual(await labels(api, await tenant("Contoso")), ["Empty", "Production", "Sandbox"]);
  });

  it("no permission to list registries: a 403 row whose Retry lists them once access is granted", async () => {
    const api = await getApi();
    const sandbox = await subscription("Contoso", "Sandbox");
    const [row] = await children(api, sandbox);
    assert.strictEqual(label(api, row), "No permission to list registries — retry");
    assert.strictEqual(item(api, row).contextValue, "azureRow;forbidden");
    assert.match(
      String(item(api, row).description),
      /does not have authorization to perform action 'Microsoft\.ContainerRegistry\/registries\/read'/,
    );
    tenants[0].subscriptions[1].forbidden = false;
    await click(row);
    assert.deepStrictEqual(await labels(api, sandbox), ["sandboxreg"]);
  });

  it("a subscription without registries says so", async () => {
    const api = await getApi();
    const [row] = await children(api, await subscription("Contoso", "Empty"));
    assert.strictEqual(label(api, row), "No container registries");
    assert.strictEqual(item(api, row).command, undefined);
  });

  it("a tenant that needs multi-factor sign-in: ARM's claims challenge becomes a row that re-authenticates for that tenant", async () => {
    const api = await getApi();
    const fabrikam = await tenant("Fabrikam");
    const [row] = await children(api, fabrikam);
    assert.strictEqual(label(api, row), "Sign in again to this directory…");
    assert.strictEqual(item(api, row).contextValue, "azureRow;tenantSignIn");
    const challenged = arm.requests.filter((r) => r.tenantId === T2 && r.status === 401);
    assert.ok(challenged.length >= 1, "ARM answered the claims challenge");
    assert.ok(
      !source.requests.some((r) => r.mode !== "silent" && r.scopes.includes(`VSCODE_TENANT:${T2}`)),
      "nothing asked the user before the click",
    );
    await click(row);
    const reauth = source.requests.filter((r) => r.mode === "reauthenticate" && r.scopes.includes(`VSCODE_TENANT:${T2}`));
    assert.strictEqual(reauth.length, 1);
    assert.deepStrictEqual(reauth[0].scopes, [`${ARM_AUDIENCE}/.default`, `VSCODE_TENANT:${T2}`]);
    assert.strictEqual(reauth[0].claims, MFA_CLAIMS);
    assert.strictEqual(reauth[0].account?.id, alice.id);
    assert.deepStrictEqual(await labels(api, fabrikam), ["Fabrikam Dev"]);
  });

  it("a directory without subscriptions offers another account; several accounts each get a node", async () => {
    const api = await getApi();
    const [row] = await children(api, await tenant("No Subscriptions Inc"));
    assert.strictEqual(label(api, row), "No subscriptions in this directory");
    source.toSignIn.push(bob);
    await click(row);
    const interactive = source.requests.filter((r) => r.mode === "interactive");
    assert.strictEqual(interactive[interactive.length - 1].chooseAccount, true);
    assert.deepStrictEqual(await labels(api, await group()), [alice.label, bob.label]);
    const bobNode = await child(api, await group(), bob.label);
    assert.deepStrictEqual(await labels(api, bobNode), ["Contoso", "Fabrikam", "No Subscriptions Inc"]);
    source.requests.length = 0;
    await children(api, await child(api, bobNode, "Contoso"));
    assert.ok(source.requests.length > 0 && source.requests.every((r) => r.account?.id === bob.id), "bob's tree uses bob's sessions");
    source.signOut(bob.id);
    assert.deepStrictEqual(
      await labels(api, await group()),
      ["Contoso", "Fabrikam", "No Subscriptions Inc"],
      "signing out redraws the group",
    );
  });

  it("network failure: a row whose Retry lists again once ARM answers", async () => {
    const api = await getApi();
    arm.dropConnections = true;
    await command("refresh", await group());
    const [row] = await children(api, await group());
    assert.strictEqual(label(api, row), "Could not reach Azure — retry");
    assert.strictEqual(item(api, row).contextValue, "azureRow;network");
    arm.dropConnections = false;
    await click(row);
    assert.deepStrictEqual(await labels(api, await group()), ["Contoso", "Fabrikam", "No Subscriptions Inc"]);
  });

  it("follows the sovereign cloud chosen for VS Code's microsoft-sovereign-cloud provider, and the ARM endpoint setting", () => {
    assert.deepStrictEqual(resolveCloud({}), {
      name: "Azure",
      providerId: "microsoft",
      resourceManagerEndpoint: "https://management.azure.com",
      resourceManagerAudience: "https://management.azure.com",
      containerRegistryAudience: "https://containerregistry.azure.net",
    });
    const gov = resolveCloud({ sovereignEnvironment: "USGovernment" });
    assert.strictEqual(gov.providerId, "microsoft-sovereign-cloud");
    assert.strictEqual(gov.resourceManagerEndpoint, "https://management.usgovcloudapi.net");
    const china = resolveCloud({ sovereignEnvironment: "ChinaCloud", resourceManagerEndpoint: "https://arm.example.cn/" });
    assert.deepStrictEqual(
      [china.resourceManagerEndpoint, china.resourceManagerAudience],
      ["https://arm.example.cn", "https://management.chinacloudapi.cn"],
    );
    const custom = resolveCloud({
      sovereignEnvironment: "custom",
      customEnvironment: { name: "Stack", resourceManagerEndpointUrl: "https://management.stack.example/" },
    });
    assert.deepStrictEqual(
      [custom.name, custom.providerId, custom.resourceManagerEndpoint],
      ["Stack", "microsoft-sovereign-cloud", "https://management.stack.example"],
    );
    assert.throws(() => resolveCloud({ resourceManagerEndpoint: "http://127.0.0.1:1" }), /must be an https:\/\/ URL/);
    assert.throws(() => resolveCloud({ sovereignEnvironment: "custom", customEnvironment: {} }), /resourceManagerEndpointUrl/);
  });
});
