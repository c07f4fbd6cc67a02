// A registry's error answer becomes a typed RegistryError: the class a caller
// branches on, the registry's own code and message, and a redacted URL.

import * as assert from "node:assert/strict";
import { Readable } from "node:stream";
import {
  RegistryAuthenticationError,
  RegistryDeleteDisabledError,
  RegistryError,
  RegistryNotFoundError,
  RegistryPermissionError,
} from "../../../../src/client/errors";
import { parseErrorBody, registryErrorFromResponse } from "../../../../src/client/http/errorResponse";

const URL_ = "https://registry.example/v2/app/manifests/sha256:abc";

function answer(status: number, method: string, body?: string) {
  return registryErrorFromResponse({
    status,
    method,
    url: URL_,
    operation: "delete manifest",
    registry: "registry.example",
    body: body === undefined ? undefined : Readable.from([Buffer.from(body)]),
  });
}

const errors = (code: string, message?: string) => JSON.stringify({ errors: [{ code, message, detail: { tag: "v1" } }] });

describe("registryErrorFromResponse", function () {
  it("puts the registry's first code and message in the error", async function () {
    const error = await answer(404, "GET", errors("MANIFEST_UNKNOWN", "manifest unknown"));
    assert.ok(error instanceof RegistryNotFoundError);
    assert.equal(error.message, `Delete manifest failed on registry.example: 404 MANIFEST_UNKNOWN: manifest unknown (GET ${URL_})`);
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, "MANIFEST_UNKNOWN");
    assert.deepEqual(error.errors, [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown", detail: { tag: "v1" } }]);
  });

  it("uses the status text when the body says nothing usable", async function () {
    const error = await answer(502, "GET", "<html>Bad gateway</html>");
    assert.equal(error.constructor, RegistryError);
    assert.equal(error.message, `Delete manifest failed on registry.example: 502 Bad Gateway (GET ${URL_})`);
    assert.deepEqual(error.errors, []);
    assert.equal((await answer(418, "GET")).message, `Delete manifest failed on registry.example: 418 Error (GET ${URL_})`);
  });

  it("maps statuses and codes to the classes callers branch on", async function () {
    assert.ok((await answer(401, "GET", errors("UNAUTHORIZED", "authentication required"))) instanceof RegistryAuthenticationError);
    assert.ok((await answer(403, "GET")) instanceof RegistryPermissionError);
    assert.ok(
      (await answer(400, "PUT", errors("DENIED", "requested access to the resource is denied"))) instanceof RegistryPermissionError,
    );
    assert.ok((await answer(404, "HEAD")) instanceof RegistryNotFoundError);
  });

  it("reads distribution's disabled deletes (405, or UNSUPPORTED) as RegistryDeleteDisabledError", async function () {
    const plain405 = await answer(405, "DELETE");
    assert.ok(plain405 instanceof RegistryDeleteDisabledError);
    const unsupported = await answer(405, "DELETE", errors("UNSUPPORTED", "The operation is unsupported."));
    assert.ok(unsupported instanceof RegistryDeleteDisabledError);
    assert.equal(
      unsupported.message,
      `Delete manifest failed on registry.example: 405 UNSUPPORTED: The operation is unsupported. (DELETE ${URL_})`,
    );
  });

  it("does not take a 405 to anything but a DELETE for disabled deletes", async function () {
    const error = await answer(405, "PUT");
    assert.ok(error instanceof RegistryPermissionError && !(error instanceof RegistryDeleteDisabledError));
  });

  it("redacts secret query values in the message and in error.url", async function () {
    const error = await registryErrorFromResponse({
      status: 404,
      method: "PUT",
      url: "https://registry.example/v2/app/blobs/uploads/u1?_state=c2lnbmVk&digest=sha256:abc",
      operation: "upload blob",
      registry: "registry.example",
    });
    assert.equal(error.url, "https://registry.example/v2/app/blobs/uploads/u1?_state=REDACTED&digest=sha256%3Aabc");
    assert.ok(!error.message.includes("c2lnbmVk"));
  });

  it("reads only a prefix of an endless error body", async function () {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 16 * 1024;
        this.push(Buffer.alloc(16 * 1024, 0x61));
      },
    });
    const error = await registryErrorFromResponse({
      status: 500,
      method: "GET",
      url: URL_,
      operation: "get manifest",
      registry: "registry.example",
      body: endless,
    });
    assert.equal(error.statusCode, 500);
    assert.ok(produced < 1024 * 1024, `${produced} bytes read from an endless body`);
    assert.equal(endless.destroyed, true);
  });
});

describe("parseErrorBody", function () {
  it("reads the spec's errors array, defaulting a missing code to UNKNOWN and dropping non-objects", function () {
    assert.deepEqual(parseErrorBody(JSON.stringify({ errors: [{ message: "m" }, "junk", null, { code: "NAME_UNKNOWN" }] })), [
      { code: "UNKNOWN", message: "m", detail: undefined },
      { code: "NAME_UNKNOWN", message: undefined, detail: undefined },
    ]);
  });

  it("answers nothing for text that is not the spec's shape", function () {
    assert.deepEqual(parseErrorBody("<html></html>"), []);
    assert.deepEqual(parseErrorBody('{"message":"no"}'), []);
    assert.deepEqual(parseErrorBody(""), []);
  });
});
