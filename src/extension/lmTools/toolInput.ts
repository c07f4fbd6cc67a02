// Reading a tool's input. VS Code does not promise that a caller's input
// matches the declared inputSchema (an extension calling vscode.lm.invokeTool
// can pass anything), so every field is checked here, and a wrong one is
// named in words a model can act on.

import * as vscode from "vscode";

export class ToolInputError extends Error {
  override name = "ToolInputError";
}

export type ToolInput = Record<string, unknown>;

export function inputObject(input: unknown): ToolInput {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ToolInputError(vscode.l10n.t("The input must be a JSON object with the fields the tool's schema lists."));
  }
  return input as ToolInput;
}

export function optionalString(input: ToolInput, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "string") {
    throw new ToolInputError(vscode.l10n.t("{0} must be a string, not {1}.", key, JSON.stringify(value)));
  }
  return value.trim() === "" ? undefined : value.trim();
}

export function requiredString(input: ToolInput, key: string): string {
  const value = optionalString(input, key);
  if (value === undefined) {
    throw new ToolInputError(vscode.l10n.t("{0} is required.", key));
  }
  return value;
}

export function optionalBoolean(input: ToolInput, key: string): boolean | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "boolean") {
    throw new ToolInputError(vscode.l10n.t("{0} must be true or false, not {1}.", key, JSON.stringify(value)));
  }
  return value;
}

/** A whole number in [min, max]; undefined when absent. */
export function optionalInteger(input: ToolInput, key: string, min: number, max: number): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ToolInputError(vscode.l10n.t("{0} must be a whole number from {1} to {2}, not {3}.", key, min, max, JSON.stringify(value)));
  }
  return value;
}

/** Exactly one of two fields (a tag or a digest). */
export function exactlyOne(input: ToolInput, first: string, second: string): { key: string; value: string } {
  const a = optionalString(input, first);
  const b = optionalString(input, second);
  if ((a === undefined) === (b === undefined)) {
    throw new ToolInputError(vscode.l10n.t("Give exactly one of {0} and {1}.", first, second));
  }
  return a !== undefined ? { key: first, value: a } : { key: second, value: b! };
}
