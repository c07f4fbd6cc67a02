// The extension's log: one LogOutputChannel. The client's request lines
// (method, redacted URL, status, time; never headers or bodies) and the
// extension's own failures go here, so nothing written here holds a secret.

import * as vscode from "vscode";

/** Lines kept in memory for diagnostics (and for tests that check no secret is written). */
const RECENT_LINES = 500;

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  /** The last lines written, oldest first. */
  readonly recent: string[] = [];

  constructor(name = "Container Registry Explorer") {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** For the client's `logRequest` option. */
  readonly request = (line: string): void => {
    this.remember(line);
    this.channel.debug(line);
  };

  info(message: string): void {
    this.remember(message);
    this.channel.info(message);
  }

  warn(message: string): void {
    this.remember(message);
    this.channel.warn(message);
  }

  error(message: string, error?: unknown): void {
    const line = error === undefined ? message : `${message}: ${describeError(error)}`;
    this.remember(line);
    this.channel.error(line);
  }

  private remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > RECENT_LINES) {
      this.recent.splice(0, this.recent.length - RECENT_LINES);
    }
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
