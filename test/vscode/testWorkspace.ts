// The window the suite runs in, shared by both drivers: a multi-root
// workspace (a .code-workspace file) holding one empty folder. Multi-root
// because adding a folder to a single-folder window makes VS Code enter a
// workspace and restart the extension host (in code-server: reload the page),
// which would end the suite; in a multi-root window Browse Files adds its
// folder to the Explorer, and the tests can check that path
// (src/extension/imageFiles/openImageFolder.ts).
import * as fs from "fs";
import * as path from "path";

/**
 * Env var naming a file where the code-server driver appends one JSON line
 * (`{ "url": ... }`) per window the workbench opens (vscode.openFolder with
 * forceNewWindow opens a browser window); the driver closes each at once.
 */
export const NEW_WINDOWS_FILE_ENV = "CRE_VSCODE_NEW_WINDOWS";

export interface TestWorkspace {
  /** The workspace's one folder (`workspaceFolders[0]`). */
  folder: string;
  /** The .code-workspace file the window opens. */
  workspaceFile: string;
}

export function createTestWorkspace(tmp: string): TestWorkspace {
  const folder = path.join(tmp, "workspace");
  fs.mkdirSync(folder);
  const workspaceFile = path.join(tmp, "tests.code-workspace");
  fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: "workspace" }], settings: {} }, null, 2) + "\n");
  return { folder, workspaceFile };
}
