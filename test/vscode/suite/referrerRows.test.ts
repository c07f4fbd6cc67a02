// A referrer row is a manifest like any other (issue 13): pulled and deleted
// from the tree in a real VS Code, against a real CNCF distribution registry
// (2.8: no referrers API, so referrers live in the subject's fallback tag
// `sha256-<hex>`), each checked over HTTP: the pulled bytes, the referrer
// gone from the registry and from the fallback tag, the subject and its other
// referrers kept, and the tree's rows, groups and badges read again.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MediaTypes } from "../../../src/client";
import { shortDigest } from "../../../src/extension/format";
import { clientFor } from "../../client/helpers";
import { pushImageWithConfig, pushReferrer, sampleConfig } from "../../client/imageFixtures";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import {
  child,
  children,
  childrenBelowImageRows,
  command,
  connect,
  disconnectAll,
  getApi,
  item,
  label,
  manifestWithTag,
  randomBytes,
  registryNode,
} from "./extensionTestHelpers";

const CYCLONEDX = "application/vnd.cyclonedx+json";
const COSIGN = "application/vnd.dev.cosign.artifact.sig.v1+json";
const SBOM_PAYLOAD = '{"bomFormat":"CycloneDX"}';

describe("referrer rows: pull and delete", function () {
  this.timeout(120_000);
  let registry: RunningRegistry;
  let image: Awaited<ReturnType<typeof pushImageWithConfig>>;
  let sbom: { digest: string; size: number };
  let signature: { digest: string; size: number };
  let work: string;

  before(async () => {
    const api = await getApi();
    await disconnectAll(api);
    registry = await startRegistry({ auth: "anonymous", deleteEnabled: true });
    const client = clientFor(registry);
    image = await pushImageWithConfig(client, "signed", sampleConfig("amd64", 1), [randomBytes(1000, 21)], "v1");
    const subject = { digest: image.digest, mediaType: MediaTypes.OCI_MANIFEST, size: image.size };
    sbom = await pushReferrer(client, "signed", subject, CYCLONEDX, SBOM_PAYLOAD);
    signature = await pushReferrer(client, "signed", subject, COSIGN, "cosign");
    await connect(registry);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "cre-referrer-rows-"));
  });

  after(async () => {
    await disconnectAll(await getApi());
    await registry?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function subjectRow() {
    const api = await getApi();
    return manifestWithTag(api, await child(api, await registryNode(api, registry), "signed"), "v1");
  }

  async function referrerRow(group: string, digest: string) {
    const api = await getApi();
    return child(api, await child(api, await subjectRow(), group), shortDigest(digest));
  }

  async function manifestBytes(reference: string): Promise<{ status: number; bytes: Buffer }> {
    const response = await fetch(`${registry.url}/v2/signed/manifests/${reference}`, {
      headers: { accept: [MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX].join(", ") },
    });
    return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  /** The digests the subject's fallback tag lists, read over HTTP. */
  async function fallbackListing(): Promise<string[]> {
    const { status, bytes } = await manifestBytes(image.digest.replace(":", "-"));
    assert.strictEqual(status, 200, "the fallback tag");
    return (JSON.parse(bytes.toString("utf8")) as { manifests: { digest: string }[] }).manifests.map((m) => m.digest);
  }

  it("pulls a referrer row: its manifest and its payload, byte for byte", async () => {
    const destination = path.join(work, "sbom");
    await command("pull", await referrerRow("CycloneDX SBOM", sbom.digest), { destination });
    const files = fs.readdirSync(destination).sort();
    const served = await manifestBytes(sbom.digest);
    assert.ok(fs.readFileSync(path.join(destination, "manifest.json")).equals(served.bytes), "manifest.json is the registry's bytes");
    assert.strictEqual(fs.readFileSync(path.join(destination, "config.json"), "utf8"), "{}");
    const payloads = files.filter((f) => f !== "manifest.json" && f !== "config.json");
    assert.strictEqual(payloads.length, 1, files.join(", "));
    assert.strictEqual(fs.readFileSync(path.join(destination, payloads[0]), "utf8"), SBOM_PAYLOAD);
  });

  it("deletes a referrer row: gone from the registry and its subject's fallback tag; the subject stays; the tree reads it again", async () => {
    const api = await getApi();
    const subject = await subjectRow();
    await children(api, subject);
    assert.ok(String(item(api, subject).description).endsWith(" · signed · SBOM"), String(item(api, subject).description));
    assert.deepStrictEqual((await fallbackListing()).sort(), [sbom.digest, signature.digest].sort());
    const asked: string[] = [];
    await command("deleteManifest", await referrerRow("Cosign signature", signature.digest), {
      confirm: (message: string) => (asked.push(message), true),
    });
    assert.deepStrictEqual(asked, [`Delete the manifest ${registry.host}/signed@${signature.digest}?`]);
    assert.strictEqual((await manifestBytes(signature.digest)).status, 404, "the referrer is gone");
    assert.strictEqual((await manifestBytes(image.digest)).status, 200, "the subject stays");
    assert.strictEqual((await manifestBytes("v1")).status, 200, "and its tag");
    assert.deepStrictEqual(await fallbackListing(), [sbom.digest], "the fallback tag lists only the referrer left");
    // The subject's row read its referrers again: no Cosign group, no "signed" badge.
    const below = await waitFor(async () => {
      const rows = await childrenBelowImageRows(api, subject);
      return rows.some((r) => label(api, r) === "Cosign signature") ? undefined : rows;
    });
    assert.ok(below, "the Cosign signature group is still shown");
    assert.deepStrictEqual(
      below.map((r) => label(api, r)),
      ["v1", "CycloneDX SBOM"],
    );
    assert.ok(String(item(api, subject).description).endsWith(" · SBOM"), String(item(api, subject).description));
    assert.ok(!String(item(api, subject).description).includes("signed"), String(item(api, subject).description));
  });

  it("deletes several selected referrer rows at once: the subject's referrers are read again, as for one", async () => {
    const api = await getApi();
    const client = clientFor(registry);
    const subjectDescriptor = { digest: image.digest, mediaType: MediaTypes.OCI_MANIFEST, size: image.size };
    const signatures = [
      await pushReferrer(client, "signed", subjectDescriptor, COSIGN, "cosign a"),
      await pushReferrer(client, "signed", subjectDescriptor, COSIGN, "cosign b"),
    ];
    const subject = await subjectRow();
    api.tree.refresh(subject);
    const shown = await waitFor(async () => {
      const rows = await childrenBelowImageRows(api, subject);
      return rows.some((r) => label(api, r) === "Cosign signature") ? rows : undefined;
    });
    assert.ok(shown, "the new signatures are shown");
    const rows = [await referrerRow("Cosign signature", signatures[0].digest), await referrerRow("Cosign signature", signatures[1].digest)];
    const asked: string[] = [];
    const result = await command<{ deleted: string[]; failed: unknown[] }>("deleteManifest", rows[0], rows, {
      confirm: (message: string) => (asked.push(message), true),
    });
    assert.deepStrictEqual(asked, ["Delete these 2 items?"]);
    assert.deepStrictEqual(result.failed, []);
    assert.strictEqual(result.deleted.length, 2);
    for (const deleted of signatures) {
      assert.strictEqual((await manifestBytes(deleted.digest)).status, 404, "the referrer is gone");
    }
    assert.deepStrictEqual(await fallbackListing(), [sbom.digest]);
    // The subject's row read its referrers again: no Cosign group, no "signed" badge.
    const below = await waitFor(async () => {
      const now = await childrenBelowImageRows(api, subject);
      return now.some((r) => label(api, r) === "Cosign signature") ? undefined : now;
    });
    assert.ok(below, "the Cosign signature group is still shown");
    assert.deepStrictEqual(
      below.map((r) => label(api, r)),
      ["v1", "CycloneDX SBOM"],
    );
    assert.ok(!String(item(api, subject).description).includes("signed"), String(item(api, subject).description));
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined || Date.now() > deadline) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
