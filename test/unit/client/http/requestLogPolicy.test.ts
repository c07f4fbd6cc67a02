// The request log: one line per request with method, redacted URL, status or
// failure and time; no header and no body ever reaches it.

import * as assert from "node:assert/strict";
import { createEmptyPipeline, createPipelineRequest } from "@azure/core-rest-pipeline";
import { requestLogPolicy } from "../../../../src/client/http/requestLogPolicy";
import { type FakeHandler, FakeHttpClient, transportError } from "../../fakeHttpClient";
import { registryStack } from "../../registryStack";

function logged(handler: FakeHandler, url: string, headers: Record<string, string> = {}) {
  const lines: string[] = [];
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(requestLogPolicy((line) => lines.push(line)));
  const request = createPipelineRequest({ url, method: "PATCH", body: "secret layer bytes" });
  for (const [name, value] of Object.entries(headers)) {
    request.headers.set(name, value);
  }
  return { lines, result: pipeline.sendRequest(new FakeHttpClient(handler), request) };
}

const TIME = / \(\d+ ms\)$/;

describe("requestLogPolicy", function () {
  it("logs method, URL with secret query values redacted, status and time", async function () {
    const { lines, result } = logged(
      () => ({ status: 202 }),
      "https://registry.example/v2/app/blobs/uploads/u1?_state=c2lnbmVk&digest=sha256:abc",
    );
    await result;
    assert.equal(lines.length, 1);
    assert.equal(
      lines[0].replace(TIME, ""),
      "PATCH https://registry.example/v2/app/blobs/uploads/u1?_state=REDACTED&digest=sha256%3Aabc -> 202",
    );
    assert.match(lines[0], TIME);
  });

  it("logs a transport failure by its code and rethrows it", async function () {
    const { lines, result } = logged(() => {
      throw transportError("ECONNRESET");
    }, "https://registry.example/v2/");
    await assert.rejects(result, /ECONNRESET/);
    assert.equal(lines[0].replace(TIME, ""), "PATCH https://registry.example/v2/ -> failed: ECONNRESET");
  });

  it("never logs headers, bodies or SAS signatures", async function () {
    const { lines, result } = logged(
      () => ({ status: 200, headers: { "set-cookie": "session=abc123" }, body: "response body" }),
      "https://storage.example/blob?sv=2021&sig=c2VjcmV0c2ln&se=2030",
      { Authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", Cookie: "id=42" },
    );
    await result;
    const text = lines.join("\n");
    for (const secret of ["eyJ", "Bearer", "id=42", "session=abc123", "c2VjcmV0c2ln", "secret layer bytes", "response body"]) {
      assert.ok(!text.includes(secret), `the log line contains ${secret}: ${text}`);
    }
    assert.equal(lines[0].replace(TIME, ""), "PATCH https://storage.example/blob?sv=REDACTED&sig=REDACTED&se=REDACTED -> 200");
  });

  it("logs each hop of a signed-in request as the registry pipeline sends it", async function () {
    const lines: string[] = [];
    const { http } = registryStack(
      (request) =>
        request.headers.authorization
          ? { status: 200, body: "{}" }
          : { status: 401, headers: { "www-authenticate": 'Basic realm="registry"' } },
      { username: "user", password: "hunter2hunter2" },
      { logRequest: (line) => lines.push(line) },
    );
    await http.sendAndDiscard({ method: "GET", url: "/v2/", operation: "check the registry", expectedStatus: [200] });
    assert.deepEqual(
      lines.map((line) => line.replace(TIME, "")),
      ["GET https://registry.example/v2/ -> 401", "GET https://registry.example/v2/ -> 200"],
    );
    assert.ok(!lines.join("\n").includes("hunter2"));
  });
});
