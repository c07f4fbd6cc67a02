// Turns a tool definition (parse the input, say what runs, confirm a change,
// run) into what vscode.lm.registerTool takes: the input checked on every
// call, the cancellation token as an AbortSignal for the client, the text
// result as a LanguageModelToolResult, and a cancellation as
// vscode.CancellationError. Any other failure is thrown with its message,
// which VS Code hands to the model (and to a programmatic caller) as is.

import * as vscode from "vscode";
import { abortSignalFor, isCancellation } from "../cancellation";
import type { RegistryTool } from "./registryTool";
import { inputObject, type ToolInput } from "./toolInput";

export interface ToolDefinition<T> {
  /** The checked input; throws ToolInputError naming the wrong field. */
  parse(input: ToolInput): T;
  /** Shown while the tool runs. */
  invocationMessage(input: T): string;
  /**
   * Registry-changing tools only: reads (never changes) what the call would
   * change and returns the confirmation that names it; undefined when the
   * call would change nothing.
   */
  confirm?(input: T, signal: AbortSignal, key: string): Promise<vscode.LanguageModelToolConfirmationMessages | undefined>;
  /** The result as plain text for a model. */
  run(input: T, signal: AbortSignal, key: string): Promise<string>;
}

/**
 * The same input as the same string, whatever the order of its fields: what
 * ties an invoke to its prepareInvocation (preparedChanges.ts). The raw
 * input, since a parsed one can differ (olderThanDays becomes a time).
 */
export function inputKey(input: unknown): string {
  return JSON.stringify(input, (_key, value: unknown) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

export function toRegistryTool<T>(definition: ToolDefinition<T>): RegistryTool {
  return {
    prepareInvocation: (options, token) =>
      guarded(token, async (signal) => {
        const input = definition.parse(inputObject(options.input));
        const confirmationMessages = definition.confirm ? await definition.confirm(input, signal, inputKey(options.input)) : undefined;
        return { invocationMessage: definition.invocationMessage(input), confirmationMessages };
      }),
    invoke: (options, token) =>
      guarded(token, async (signal) => {
        const text = await definition.run(definition.parse(inputObject(options.input)), signal, inputKey(options.input));
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
      }),
  };
}

async function guarded<R>(token: vscode.CancellationToken, body: (signal: AbortSignal) => Promise<R>): Promise<R> {
  const abort = abortSignalFor(token);
  try {
    if (token.isCancellationRequested) {
      throw new vscode.CancellationError();
    }
    return await body(abort.signal);
  } catch (error) {
    if (isCancellation(error, abort.signal)) {
      throw new vscode.CancellationError();
    }
    throw error instanceof Error ? error : new Error(String(error));
  } finally {
    abort.dispose();
  }
}
