// Tokens, passwords and Authorization values never reach an error message,
// an error's properties (JSON, inspect, the cause chain) or a logRequest
// line: succeeding and failing operations run with a known secret against a
// real registry (Basic and token auth) and against a hostile one that echoes
// whatever it was sent, and every captured string is searched for it.

import * as assert from "node:assert/strict";
import * as util from "node:util";
import { ContainerRegistryClient, type ContainerRegistryClientOptions, MediaTypes } from "../../src/client";
import { json, startHostileServer, type HostileServer } from "../fixtures/hostileRegistry";
import { type RunningRegistry, startRegistry } from "../fixtures/registryServer";
import { readAll, sha256, streamOf } from "./helpers";

const USER = "secret-user";
const PASSWORD = "Pa55-w0rd-7f3a9c1e-known-secret";
const WRONG_PASSWORD = "Wr0ng-Pa55-0d9e8f7a-also-secret";
const HOSTILE_TOKEN = "opaque-token-5b1d2c3e4f-not-a-jwt";

function base64(text: string): string {
  return Buffer.from(text).toString("base64");
}

/** What must never appear anywhere. JWTs are matched by shape: every token the fixtures issue is one. */
const FORBIDDEN: (string | RegExp)[] = [
  PASSWORD,
  WRONG_PASSWORD,
  base64(`${USER}:${PASSWORD}`),
  base64(`${USER}:${WRONG_PASSWORD}`),
  HOSTILE_TOKEN,
  /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}/,
  /\b(Basic|Bearer) (?!REDACTED\b)[A-Za-z0-9+/=._~-]{8,}/,
];

/** Everything an error exposes: message, stack, JSON, inspect output, and every own property down the cause chain. */
function errorStrings(error: unknown): string[] {
  const strings: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    // String() of whatever was thrown, as a log line would print it (an Error's toString).
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    strings.push(String(current), JSON.stringify(current) ?? "", util.inspect(current, { depth: 8 }));
    for (const key of Object.getOwnPropertyNames(current)) {
      try {
        strings.push(`${key}=${util.inspect((current as Record<string, unknown>)[key], { depth: 8 })}`);
      } catch {
        // getters that throw: nothing to leak
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return strings;
}

function assertClean(what: string, strings: string[]): void {
  for (const text of strings) {
    for (const secret of FORBIDDEN) {
      const found = typeof secret === "string" ? text.includes(secret) : secret.test(text);
      assert.ok(!found, `${what} leaks ${String(secret)}:\n${text.slice(0, 2000)}`);
    }
  }
}

describe("secrets never leak into errors or request logs", function () {
  this.timeout(30_000);
  const logLines: string[] = [];
  const errors: unknown[] = [];
  let checkedErrors = 0;

  function options(extra: ContainerRegistryClientOptions = {}): ContainerRegistryClientOptions {
    return { logRequest: (line) => logLines.push(line), retry: { maxRetries: 1, initialDelayMs: 5 }, ...extra };
  }

  async function expectFailure(promise: Promise<unknown>): Promise<void> {
    try {
      await promise;
    } catch (error) {
      errors.push(error);
      return;
    }
    assert.fail("expected the operation to fail");
  }

  after(function () {
    assert.ok(logLines.length > 20, `request lines were captured (${logLines.length})`);
    assert.ok(errors.length >= 10, `errors were captured (${errors.length})`);
    assertClean("a logRequest line", logLines);
    for (const error of errors) {
      assertClean(`${(error as Error).name}: ${(error as Error).message}`, errorStrings(error));
      checkedErrors++;
    }
    assert.equal(checkedErrors, errors.length);
  });

  for (const auth of ["basic", "token"] as const) {
    describe(`a real registry with ${auth} auth`, function () {
      let registry: RunningRegistry;

      before(async function () {
        registry = await startRegistry({ auth, username: USER, password: PASSWORD });
      });

      after(async function () {
        await registry?.stop();
      });

      it("succeeding operations: push, pull, list", async function () {
        const client = new ContainerRegistryClient(registry.url, { username: USER, password: PASSWORD }, options());
        const layer = Buffer.from(`layer for ${auth}`);
        const streamed = Buffer.alloc(300_000, 7);
        const { digest } = await client.uploadBlob("secret/app", layer);
        await client.uploadBlob("secret/app", streamOf(streamed));
        await client.uploadBlob("secret/app", Buffer.from("{}"));
        const manifest = {
          schemaVersion: 2,
          mediaType: MediaTypes.OCI_MANIFEST,
          config: { mediaType: MediaTypes.OCI_EMPTY, digest: MediaTypes.OCI_EMPTY_DIGEST, size: 2 },
          layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest, size: layer.length }],
        };
        await client.setManifest("secret/app", manifest, { tag: "v1" });
        assert.deepEqual((await client.getManifest("secret/app", "v1")).manifest, manifest);
        assert.ok((await readAll((await client.downloadBlob("secret/app", digest)).content)).equals(layer));
        for await (const tag of client.listTagProperties("secret/app")) {
          assert.equal(tag.name, "v1");
        }
      });

      it("failing operations: missing manifest and blob, wrong password, bad input", async function () {
        const client = new ContainerRegistryClient(registry.url, { username: USER, password: PASSWORD }, options());
        await expectFailure(client.getManifest("secret/app", "missing"));
        await expectFailure(client.getManifest("secret/nothing-here", sha256(Buffer.from("none"))));
        await expectFailure((async () => readAll((await client.downloadBlob("secret/app", sha256(Buffer.from("absent")))).content))());
        await expectFailure(client.deleteManifest("secret/app", "missing"));
        await expectFailure(client.getManifest("Secret/App", "v1"));
        const wrong = new ContainerRegistryClient(registry.url, { username: USER, password: WRONG_PASSWORD }, options());
        await expectFailure(wrong.getManifest("secret/app", "v1"));
        await expectFailure(wrong.uploadBlob("secret/app", Buffer.from("x")));
        await expectFailure(wrong.uploadBlob("secret/app", streamOf(Buffer.alloc(10_000))));
        await expectFailure((async () => {
          for await (const _ of wrong.listRepositoryNames()) {
            // nothing
          }
        })());
      });
    });
  }

  describe("a hostile registry that echoes what it was sent", function () {
    let server: HostileServer;

    before(async function () {
      server = await startHostileServer((req, res) => {
        const url = new URL(req.url!, "http://x");
        const authorization = req.headers.authorization ?? "";
        if (url.pathname === "/token") {
          // The token service echoes the Basic credentials it got, decoded, in a failure for one scope.
          const decoded = Buffer.from(authorization.replace(/^Basic /, ""), "base64").toString();
          if (url.searchParams.get("scope")?.includes("denied")) {
            return json(res, 401, { errors: [{ code: "UNAUTHORIZED", message: `bad login ${decoded} via ${authorization}` }] });
          }
          return json(res, 200, { token: HOSTILE_TOKEN });
        }
        if (url.pathname.startsWith("/v2/echo-basic/")) {
          if (!authorization.startsWith("Basic ")) {
            return res.writeHead(401, { "WWW-Authenticate": 'Basic realm="echo"' }).end();
          }
          const decoded = Buffer.from(authorization.slice(6), "base64").toString();
          return json(
            res,
            404,
            {
              errors: [
                {
                  code: "MANIFEST_UNKNOWN",
                  message: `no such manifest for ${authorization} (user:password ${decoded}, password=${decoded.split(":")[1]})`,
                  detail: { authorization, password: decoded.split(":")[1], echo: `token=${decoded}` },
                },
              ],
            },
            { Warning: `299 - "you sent ${authorization}"` },
          );
        }
        if (url.pathname.startsWith("/v2/echo-bearer/") || url.pathname.startsWith("/v2/denied/")) {
          if (!authorization.startsWith("Bearer ")) {
            const scope = url.pathname.startsWith("/v2/denied/") ? "repository:denied:pull" : "repository:echo-bearer:pull";
            return res.writeHead(401, { "WWW-Authenticate": `Bearer realm="${server.url}/token",service="echo",scope="${scope}"` }).end();
          }
          return json(res, 500, { errors: [{ code: "UNKNOWN", message: `server error handling ${authorization}; token: ${authorization.slice(7)}` }] });
        }
        res.writeHead(404).end();
      });
    });

    after(async function () {
      await server?.close();
    });

    it("scrubs echoed Basic credentials from error messages and details", async function () {
      const client = new ContainerRegistryClient(server.url, { username: USER, password: PASSWORD }, options({ registryKind: "oci" }));
      await expectFailure(client.getManifest("echo-basic", "v1"));
      const error = errors.at(-1) as Error & { errors: { message?: string; detail?: unknown }[] };
      assert.match(error.message, /^Get manifest failed on 127\.0\.0\.1:\d+: 404 MANIFEST_UNKNOWN: no such manifest for Basic REDACTED/);
      assert.equal((error.errors[0].detail as { password?: string }).password, "REDACTED");
    });

    it("scrubs an echoed bearer token, and credentials echoed by the token service", async function () {
      const client = new ContainerRegistryClient(server.url, { username: USER, password: PASSWORD }, options({ registryKind: "oci", retry: { maxRetries: 0 } }));
      await expectFailure(client.getManifest("echo-bearer", "v1"));
      assert.match((errors.at(-1) as Error).message, /500 UNKNOWN: server error handling Bearer REDACTED; token: REDACTED/);
      await expectFailure(client.getManifest("denied", "v1"));
      assert.match((errors.at(-1) as Error).message, /^Could not get a registry token for 127\.0\.0\.1:\d+: 401 UNAUTHORIZED: bad login REDACTED via Basic REDACTED/);
    });
  });
});
