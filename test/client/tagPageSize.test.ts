// The first page of listTagProperties stays bounded when the caller gives no
// page size, on a registry that answers every tag at once (distribution 2.8
// ignores `n` on tags/list): issue 12 measured 32 s for 10,000 tags, one HEAD each.

import * as assert from "node:assert/strict";
import { mapWithConcurrency, MediaTypes } from "../../src/client";
import { DEFAULT_TAG_PAGE_SIZE } from "../../src/client/dialect/ociMetadata";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { clientFor, collect } from "./helpers";

const TAGS = DEFAULT_TAG_PAGE_SIZE + 30;
const REPOSITORY = "bounded/tags";

describe("listTagProperties without a page size (distribution 2.8 answers all tags at once)", function () {
  let registry: RunningRegistry;
  let digest: string;
  const names = Array.from({ length: TAGS }, (_, i) => `t${String(i).padStart(3, "0")}`);

  before(async function () {
    registry = await startRegistry({ auth: "anonymous" });
    const client = clientFor(registry);
    const config = await client.uploadBlob(REPOSITORY, Buffer.from("{}"));
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.OCI_MANIFEST,
      config: { mediaType: MediaTypes.OCI_IMAGE_CONFIG, digest: config.digest, size: 2 },
      layers: [],
    };
    digest = (await client.setManifest(REPOSITORY, manifest, { tag: names[0] })).digest;
    await mapWithConcurrency(names.slice(1), 8, (tag) => client.setManifest(REPOSITORY, manifest, { tag }));
  });

  after(async function () {
    await registry?.stop();
  });

  function counted(): { client: ReturnType<typeof clientFor>; sent: string[] } {
    const sent: string[] = [];
    const client = clientFor(registry, {
      registryKind: "oci",
      logRequest: (line) => sent.push(line.split(" ")[0] + " " + new URL(line.split(" ")[1]).pathname),
    });
    return { client, sent };
  }

  it("resolves only the default page's tags for the first page, and pages the rest", async function () {
    const { client, sent } = counted();
    const first = await client.listTagProperties(REPOSITORY).byPage().next();
    assert.equal(first.done, false);
    const page = first.value;
    assert.deepEqual(
      page.map((t) => t.name),
      names.slice(0, DEFAULT_TAG_PAGE_SIZE),
    );
    assert.ok(page.every((t) => t.digest === digest));
    assert.equal(
      sent.filter((r) => r.startsWith("HEAD ")).length,
      DEFAULT_TAG_PAGE_SIZE,
      "one HEAD per tag of the page, none for the rest",
    );
    assert.deepEqual(
      sent.filter((r) => r.startsWith("GET ")),
      [`GET /v2/${REPOSITORY}/tags/list`],
    );
    assert.ok(page.continuationToken, "a next page");

    const rest = await collect(client.listTagProperties(REPOSITORY).byPage({ continuationToken: page.continuationToken }));
    assert.deepEqual(
      rest.flat().map((t) => t.name),
      names.slice(DEFAULT_TAG_PAGE_SIZE),
    );
    const all = await collect(client.listTagProperties(REPOSITORY));
    assert.deepEqual(
      all.map((t) => t.name),
      names,
    );
  });

  it("still reads the tag list once where it needs every tag (manifest properties)", async function () {
    const { client, sent } = counted();
    const properties = await client.getManifestProperties(REPOSITORY, digest);
    assert.deepEqual(properties.tags, names);
    assert.equal(sent.filter((r) => r === `GET /v2/${REPOSITORY}/tags/list`).length, 1);
  });
});
