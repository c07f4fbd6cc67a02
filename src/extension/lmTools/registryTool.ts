// The shape every tool implementation has once loaded (tools.ts): what
// vscode.lm.registerTool takes, so the stubs registered at activation
// (registerLanguageModelTools.ts) only forward to it.

import type * as vscode from "vscode";

export interface RegistryTool {
  invoke(
    options: vscode.LanguageModelToolInvocationOptions<unknown>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult>;
  prepareInvocation(
    options: vscode.LanguageModelToolInvocationPrepareOptions<unknown>,
    token: vscode.CancellationToken,
  ): Promise<vscode.PreparedToolInvocation>;
}
