// The border between the two layers (style-models.md, "Lessons" 1): the
// library never imports vscode, and the extension reaches the library only
// through src/client/index.ts.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith(".ts") ? [full] : [];
  });
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from\s+|require\(|import\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
}

describe("layer border", function () {
  it("src/client never imports vscode", function () {
    for (const file of sourceFiles(path.join(ROOT, "src/client"))) {
      assert.ok(!imports(file).includes("vscode"), `${path.relative(ROOT, file)} imports vscode`);
    }
  });

  it("src/extension imports the library only through src/client/index.ts", function () {
    const clientDir = path.join(ROOT, "src/client");
    for (const file of sourceFiles(path.join(ROOT, "src/extension"))) {
      for (const specifier of imports(file).filter((s) => s.startsWith("."))) {
        const target = path.resolve(path.dirname(file), specifier);
        if (target.startsWith(clientDir)) {
          assert.ok(
            target === clientDir || target === path.join(clientDir, "index"),
            `${path.relative(ROOT, file)} imports ${specifier}, past src/client/index.ts`,
          );
        }
      }
    }
  });
});
