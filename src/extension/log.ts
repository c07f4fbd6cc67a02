// The extension's log: one LogOutputChannel. The client's request lines
// (method, redacted URL, status, time; never headers or bodies) and the
// extension's own failures go here, so nothing written here holds a secret.

import * as vscode from "vscode";

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(name = "Container Registry Explorer") {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** For the client's `logRequest` option. */
  readonly request = (line: string): void => this.channel.debug(line);

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string, error?: unknown): void {
    this.channel.error(error === undefined ? message : `${message}: ${describeError(error)}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** Name, message and, for registry errors, status and the registry's error codes. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const registry = error as Error & { statusCode?: number; method?: string; url?: string; code?: string };
  const parts = [`${error.name}: ${error.message}`];
  if (registry.statusCode !== undefined) {
    parts.push(`(${registry.method ?? ""} ${registry.url ?? ""} -> ${registry.statusCode}${registry.code ? ` ${registry.code}` : ""})`);
  }
  return parts.join(" ");
}
