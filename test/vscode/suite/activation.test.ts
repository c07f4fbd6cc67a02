// Runs inside a real VS Code extension host: the extension under development
// is loaded from the repo root (extensionDevelopmentPath) with the real API.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import { HARNESS_ENV } from "../results";

// out/test/vscode/suite -> repo root. The id is publisher.name, read from the
// manifest so a rename cannot leave this test checking a stale id.
const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../../package.json"), "utf8")) as {
  publisher: string;
  name: string;
};
const extensionId = `${manifest.publisher}.${manifest.name}`;

describe("extension activation", () => {
  it("runs in a real VS Code", () => {
    assert.strictEqual(typeof vscode.version, "string");
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
  });

  it("receives the driver's environment variables", () => {
    // Both drivers set this; if it is missing, env-configured tests (registry
    // URLs, credentials) would silently test nothing.
    assert.ok(process.env[HARNESS_ENV], `${HARNESS_ENV} is not set in the extension host`);
  });

  it(`finds and activates ${extensionId}`, async () => {
    assert.strictEqual(extensionId, "container-registry-explorer.container-registry-explorer");
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `extension ${extensionId} is not loaded`);
    await extension.activate();
    assert.strictEqual(extension.isActive, true);
  });
});
