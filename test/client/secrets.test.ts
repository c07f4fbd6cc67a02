// Tokens, passwords and Authorization values never reach an error message,
// an error's properties (JSON, inspect, the cause chain) or a logRequest
// line: succeeding and failing operations run with a known secret against a
// real registry (Basic and token auth) and against a hostile one that echoes
// whatever it was sent, and every captured string is searched for it.

import * as assert from "node:assert/strict";
import * as util from "node:util";
import { ContainerRegistryClient, type ContainerRegistryClientOptions, MediaTypes, RegistryNotFoundError } from "../../src/client";
import { scrubError } from "../../src/client/redact";
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

/** Objects visited per error at most (a socket or agent could lead into the whole process). */
const MAX_OBJECTS = 20_000;

/**
 * Everything reachable from an error: its message, stack, JSON and inspect
 * output (hidden properties too), and every string found by walking the whole
 * object graph (own properties, enumerable or not, and symbols; Map, Set and
 * array entries; small Buffers as text), not only the `cause` chain: a
 * RestError's `request` (with its headers) is reachable this way.
 */
function errorStrings(error: unknown): string[] {
  const strings: string[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < MAX_OBJECTS) {
    const current = queue.shift();
    if (typeof current === "string") {
      strings.push(current);
      continue;
    }
    if (!current || (typeof current !== "object" && typeof current !== "function") || seen.has(current)) {
      continue;
    }
    seen.add(current);
    if (current instanceof Error) {
      strings.push(String(current), util.inspect(current, { depth: 8, showHidden: true }));
      try {
        strings.push(JSON.stringify(current) ?? "");
      } catch {
        // circular: the walk below sees every part anyway
      }
    }
    if (Buffer.isBuffer(current) || current instanceof Uint8Array) {
      if (current.byteLength < 64 * 1024) {
        strings.push(Buffer.from(current).toString("utf8"), Buffer.from(current).toString("latin1"));
      }
      continue;
    }
    if (current instanceof Map) {
      for (const [key, value] of current) {
        queue.push(key, value);
      }
    }
    if (current instanceof Set) {
      queue.push(...current);
    }
    for (const key of [...Object.getOwnPropertyNames(current), ...Object.getOwnPropertySymbols(current)]) {
      try {
        const value = (current as Record<string | symbol, unknown>)[key];
        if (typeof value === "string") {
          strings.push(`${String(key)}=${value}`);
        } else if (value && typeof value === "object") {
          queue.push(value);
        } else if (typeof value === "function" && key === util.inspect.custom) {
          strings.push(util.inspect(current, { depth: 8, showHidden: true }));
        }
      } catch {
        // getters that throw: nothing to leak
      }
    }
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
        await expectFailure(
          (async () => {
            for await (const _ of wrong.listRepositoryNames()) {
              // nothing
            }
          })(),
        );
      });
    });
  }

  describe("connections reset after the credentials were sent", function () {
    let server: HostileServer;

    before(async function () {
      server = await startHostileServer((req, res) => {
        const url = new URL(req.url!, "http://x");
        const authorization = req.headers.authorization ?? "";
        if (url.pathname === "/token") {
          // The token service resets the connection once it has the Basic credentials, except for the scope that works.
          if (url.searchParams.get("scope")?.includes("reset-signed")) {
            return json(res, 200, { token: HOSTILE_TOKEN });
          }
          return req.socket.destroy();
        }
        if (url.pathname.startsWith("/v2/reset-signed/")) {
          if (!authorization.startsWith("Bearer ")) {
            return res
              .writeHead(401, {
                "WWW-Authenticate": `Bearer realm="${server.url}/token",service="reset",scope="repository:reset-signed:pull"`,
              })
              .end();
          }
          // A Bearer-signed request reset by the registry.
          return req.socket.destroy();
        }
        if (url.pathname.startsWith("/v2/reset-bearer/")) {
          return res
            .writeHead(401, {
              "WWW-Authenticate": `Bearer realm="${server.url}/token",service="reset",scope="repository:reset-bearer:pull"`,
            })
            .end();
        }
        if (!authorization.startsWith("Basic ")) {
          return res.writeHead(401, { "WWW-Authenticate": 'Basic realm="reset"' }).end();
        }
        // The registry resets every signed request: the transport error is all the client gets.
        req.socket.destroy();
      });
    });

    after(async function () {
      await server?.close();
    });

    it("a reset after a request carrying Basic credentials leaves no secret reachable from the error", async function () {
      const client = new ContainerRegistryClient(server.url, { username: USER, password: PASSWORD }, options({ registryKind: "oci" }));
      await expectFailure(client.getManifest("reset-basic", "v1"));
      const error = errors.at(-1) as Error;
      assert.match(
        error.message,
        /^Get manifest failed: could not reach 127\.0\.0\.1:\d+ \(GET http:\/\/127\.0\.0\.1:\d+\/v2\/reset-basic\/manifests\/v1\)/,
      );
      assert.ok((error as { cause?: unknown }).cause, "the cause (what the transport said) is kept, scrubbed");
      await expectFailure(client.uploadBlob("reset-basic", Buffer.from("bytes")));
      await expectFailure(client.deleteManifest("reset-basic", sha256(Buffer.from("x"))));
    });

    it("a reset after a request carrying a Bearer token leaves the token unreachable from the error", async function () {
      const client = new ContainerRegistryClient(server.url, { username: USER, password: PASSWORD }, options({ registryKind: "oci" }));
      await expectFailure(client.getManifest("reset-signed", "v1"));
      assert.match((errors.at(-1) as Error).message, /^Get manifest failed: could not reach 127\.0\.0\.1:\d+/);
    });

    it("a reset at the token endpoint is a failure of the token request, and does not leak the Basic password", async function () {
      const client = new ContainerRegistryClient(server.url, { username: USER, password: PASSWORD }, options({ registryKind: "oci" }));
      await expectFailure(client.getManifest("reset-bearer", "v1"));
      const error = errors.at(-1) as Error;
      assert.equal(error.name, "RegistryAuthenticationError");
      assert.match(
        error.message,
        /^Could not get a registry token for 127\.0\.0\.1:\d+: the token endpoint could not be reached \(GET http:\/\/127\.0\.0\.1:\d+\/token\?service=reset&scope=repository%3Areset-bearer%3Apull\)/,
      );
    });
  });

  it("scrubbing keeps the library's error types where the runtime makes stack an accessor (V8 in Node 22+)", function () {
    const error = new RegistryNotFoundError(`Get manifest failed: echoed Basic ${base64(`${USER}:${PASSWORD}`)}`, { statusCode: 404 });
    let stack = `${error.name}: ${error.message}`;
    Object.defineProperty(error, "stack", {
      get: () => stack,
      set: (value: string) => (stack = value),
      configurable: true,
      enumerable: false,
    });
    const scrubbed = scrubError(error, [PASSWORD]);
    assert.equal(scrubbed, error, "the same object, so instanceof still works");
    assert.match(scrubbed.stack!, /echoed Basic REDACTED/);
    errors.push(scrubbed);
  });

  describe("an endpoint with user:password@", function () {
    it("never repeats the password, whatever else is wrong with it", function () {
      for (const endpoint of [
        `https://${USER}:${PASSWORD}@registry.example.com`,
        `ftp://${USER}:${PASSWORD}@registry.example.com`,
        `https://${USER}:${PASSWORD}@registry.example.com:99999`,
        `http://${USER}:${PASSWORD}@registry.example.com`,
        `${USER}:${PASSWORD}@registry.example.com/v2?x=1`,
        `https://${USER}:${PASSWORD.slice(0, 8)}/${PASSWORD.slice(8)}@registry.example.com`,
      ]) {
        try {
          new ContainerRegistryClient(endpoint);
          assert.fail(`accepted ${endpoint}`);
        } catch (error) {
          errors.push(error);
          assert.equal((error as Error).name, "InvalidInputError");
          assert.match(
            (error as Error).message,
            /^Invalid registry endpoint "(?:\w+:\/\/)?registry\.example\.com[^"]*": put credentials in the credential argument, not in the URL$/,
          );
          assert.ok(!(error as Error).message.includes(PASSWORD.slice(0, 8)), (error as Error).message);
        }
      }
    });
  });

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
          return json(res, 500, {
            errors: [{ code: "UNKNOWN", message: `server error handling ${authorization}; token: ${authorization.slice(7)}` }],
          });
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
      assert.ok(error instanceof RegistryNotFoundError, "scrubbing keeps the error's type");
      assert.match(error.message, /^Get manifest failed on 127\.0\.0\.1:\d+: 404 MANIFEST_UNKNOWN: no such manifest for Basic REDACTED/);
      assert.equal((error.errors[0].detail as { password?: string }).password, "REDACTED");
    });

    it("scrubs an echoed bearer token, and credentials echoed by the token service", async function () {
      const client = new ContainerRegistryClient(
        server.url,
        { username: USER, password: PASSWORD },
        options({ registryKind: "oci", retry: { maxRetries: 0 } }),
      );
      await expectFailure(client.getManifest("echo-bearer", "v1"));
      assert.match((errors.at(-1) as Error).message, /500 UNKNOWN: server error handling Bearer REDACTED; token: REDACTED/);
      await expectFailure(client.getManifest("denied", "v1"));
      assert.match(
        (errors.at(-1) as Error).message,
        /^Could not get a registry token for 127\.0\.0\.1:\d+: 401 UNAUTHORIZED: bad login REDACTED via Basic REDACTED/,
      );
    });
  });
});
