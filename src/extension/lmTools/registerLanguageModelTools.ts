// Registers the language model tools at activation without loading them: each
// registration is a stub that imports ./tools on its first call (prepare or
// invoke), so activation reads none of the tools' code. VS Code activates the
// extension for a tool through `onLanguageModelTool:<name>` (package.json).

import * as vscode from "vscode";
import type { Services } from "../commands/shared/commandServices";
import type { RegistryTool } from "./registryTool";
import { TOOL_NAMES, type ToolKey } from "./toolNames";

export interface LanguageModelToolRegistrations {
  readonly registrations: vscode.Disposable[];
  /** The implementations the registrations forward to (loaded on first call), for tests. */
  readonly load: () => Promise<Record<ToolKey, RegistryTool>>;
}

export function registerLanguageModelTools(services: Services): LanguageModelToolRegistrations {
  let loading: Promise<Record<ToolKey, RegistryTool>> | undefined;
  const tools = (): Promise<Record<ToolKey, RegistryTool>> => {
    loading ??= import("./tools").then((module) => module.createTools(services));
    // A failed load is tried again on the next call, not remembered.
    loading.catch(() => (loading = undefined));
    return loading;
  };
  const registrations = (Object.keys(TOOL_NAMES) as ToolKey[]).map((key) =>
    vscode.lm.registerTool<unknown>(TOOL_NAMES[key], {
      invoke: async (options, token) => (await tools())[key].invoke(options, token),
      prepareInvocation: async (options, token) => (await tools())[key].prepareInvocation(options, token),
    }),
  );
  return { registrations, load: tools };
}
