// A remote registry must not aim the client at services on this machine, nor
// downgrade it to plain http on another host (issue 11, "Requests into local
// services from a remote registry"). The registry here answers as
// `registry.example.test`, which the test's HTTP client resolves to loopback:
// to the library it is a remote host, as in production. A second server on
// 127.0.0.1 stands for the local service; it must receive nothing.

import * as assert from "node:assert/strict";
import * as dns from "node:dns";
import * as http from "node:http";
import type { LookupFunction } from "node:net";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { ContainerRegistryClient, RegistryAuthenticationError, RegistryError } from "../../src/client";
import { type HostileServer, hostileServerPool, json, readRequestBody } from "../fixtures/hostileRegistry";
import { collect, sha256 } from "./helpers";

/** The scripted servers of this file; their responses are the README's count. */
const { serve, closeAll, responses } = hostileServerPool();

const REMOTE_NAME = "registry.example.test";
const BLOB = Buffer.from("private layer bytes");

/** Resolves `*.example.test` to 127.0.0.1 and everything else as usual. */
const lookup: LookupFunction = (hostname, options, callback) => {
  if (!hostname.endsWith(".example.test")) {
    return dns.lookup(hostname, options, callback);
  }
  if (options.all) {
    (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [
      { address: "127.0.0.1", family: 4 },
    ]);
  } else {
    callback(null, "127.0.0.1", 4);
  }
};

function testDnsClient(): HttpClient {
  const inner = createDefaultHttpClient();
  const agent = new http.Agent({ lookup });
  return {
    sendRequest: (request) => {
      if (new URL(request.url).hostname.endsWith(".example.test")) {
        request.agent = agent;
      }
      return inner.sendRequest(request);
    },
  };
}

/** The local service: records everything, answers like a registry's storage would. */
async function localService(): Promise<HostileServer> {
  return serve((req, res, url) => {
    void readRequestBody(req).then(() => {
      if (url.pathname === "/token") {
        return json(res, 200, { token: "local-token-0123456789" });
      }
      if (req.method === "PUT") {
        return res.writeHead(201, { "Docker-Content-Digest": url.searchParams.get("digest") ?? "" }).end();
      }
      if (req.method === "PATCH") {
        return res.writeHead(202, { Location: "/upload/1" }).end();
      }
      res.writeHead(200, { "Content-Length": String(BLOB.length) }).end(BLOB);
    });
  });
}

/** A registry that points every URL it hands out at `target` (an origin). */
async function registryPointingAt(target: string, options: { realm?: boolean } = {}): Promise<HostileServer> {
  return serve((req, res, url) => {
    if (options.realm && !req.headers.authorization) {
      return res.writeHead(401, { "WWW-Authenticate": `Bearer realm="${target}/token",service="x",scope="repository:app:pull"` }).end();
    }
    if (url.pathname === "/v2/_catalog") {
      return json(res, 200, { repositories: ["a"] }, { Link: `<${target}/v2/_catalog?last=a>; rel="next"` });
    }
    if (url.pathname.endsWith("/blobs/uploads/")) {
      return res.writeHead(202, { Location: `${target}/upload/0` }).end();
    }
    if (req.method === "HEAD" && url.pathname.includes("/blobs/")) {
      return res.writeHead(404).end();
    }
    res.writeHead(307, { Location: `${target}${url.pathname}` }).end();
  });
}

function remoteClient(registry: HostileServer, credential?: { username: string; password: string }): ContainerRegistryClient {
  const port = new URL(registry.url).port;
  return new ContainerRegistryClient(`http://${REMOTE_NAME}:${port}`, credential, {
    allowInsecureHttp: true,
    registryKind: "oci",
    httpClient: testDnsClient(),
    retry: { maxRetries: 0 },
    timeoutMs: 5000,
  });
}

describe("URLs a remote registry hands out never reach this machine", function () {
  this.timeout(20_000);

  afterEach(async function () {
    await closeAll();
  });

  after(function () {
    console.log(`      (hostile servers, local targets: ${responses()} crafted responses)`);
  });

  for (const local of [
    "http://127.0.0.1",
    "https://127.0.0.1",
    "http://localhost",
    "http://0.0.0.0",
    "http://[::ffff:127.0.0.1]",
    "http://app.localhost",
  ]) {
    it(`a redirect, an upload Location, a paging Link and a DELETE redirect to ${local}:<port> are refused before sending`, async function () {
      const service = await localService();
      const target = `${local}:${new URL(service.url).port}`;
      const registry = await registryPointingAt(target);
      const client = remoteClient(registry);
      const refused = (error: unknown): boolean => {
        assert.ok(error instanceof RegistryError, String(error));
        assert.match(error.message, /is on this machine and the registry is not/);
        return true;
      };
      await assert.rejects(async () => (await client.downloadBlob("app", sha256(BLOB))).content.resume(), refused);
      await assert.rejects(client.uploadBlob("app", Buffer.from("user's blob bytes")), (error: unknown) => {
        assert.ok(error instanceof RegistryError, String(error));
        assert.match(error.message, /sent an upload Location on another host over https?:\/\/ .*; refusing to send blob data there/);
        return true;
      });
      await assert.rejects(client.deleteManifest("app", sha256(BLOB)), refused);
      await assert.rejects(
        collect(client.listRepositoryNames()),
        /paging Link the client will not use: .* is on this machine and the registry is not; not followed/,
      );
      assert.deepEqual(
        service.requests.map((r) => `${r.method} ${r.path}`),
        [],
        "nothing reached the local service",
      );
      assert.ok(registry.requests.length >= 4, "the registry itself was asked");
    });
  }

  it("a token realm on this machine gets neither the password nor a request", async function () {
    const service = await localService();
    for (const scheme of ["http", "https"]) {
      const registry = await registryPointingAt(`${scheme}://127.0.0.1:${new URL(service.url).port}`, { realm: true });
      await assert.rejects(
        remoteClient(registry, { username: "alice", password: "local-realm-password" }).blobExists("app", sha256(BLOB)),
        (error: unknown) => {
          assert.ok(error instanceof RegistryAuthenticationError, String(error));
          assert.match(
            error.message,
            /sent a token realm the client will not use: https?:\/\/127\.0\.0\.1:\d+ is on this machine and the registry is not; refusing to use it/,
          );
          return true;
        },
      );
    }
    assert.deepEqual(service.requests, []);
  });

  it("plain http to another remote host is refused for a redirect and an upload Location (nothing is resolved or sent)", async function () {
    const registry = await registryPointingAt("http://storage.example.test:1");
    const client = remoteClient(registry);
    await assert.rejects(
      async () => (await client.downloadBlob("app", sha256(BLOB))).content.resume(),
      /another host over plain http; not followed/,
    );
    await assert.rejects(client.uploadBlob("app", Buffer.from("x")), /refusing to send blob data there/);
  });

  it("the same answers from a registry on loopback are followed (both ends on this machine)", async function () {
    const service = await localService();
    const registry = await registryPointingAt(`http://127.0.0.1:${new URL(service.url).port}`);
    const client = new ContainerRegistryClient(registry.url, undefined, { registryKind: "oci", retry: { maxRetries: 0 }, timeoutMs: 5000 });
    const download = await client.downloadBlob("app", sha256(BLOB));
    const chunks: Buffer[] = [];
    for await (const chunk of download.content) {
      chunks.push(chunk as Buffer);
    }
    assert.ok(Buffer.concat(chunks).equals(BLOB));
    assert.deepEqual(
      service.requests.map((r) => `${r.method} ${new URL(r.path, "http://x").pathname}`),
      [`GET /v2/app/blobs/${sha256(BLOB)}`],
    );
  });
});
