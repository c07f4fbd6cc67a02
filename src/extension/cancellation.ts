// Cancellation between VS Code and the client: a CancellationToken becomes an
// AbortSignal, and the client's AbortError is recognised as a cancellation.

import * as vscode from "vscode";

/** An AbortSignal that aborts when any of the tokens is cancelled. */
export function abortSignalFor(...tokens: (vscode.CancellationToken | undefined)[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const subscriptions: vscode.Disposable[] = [];
  for (const token of tokens) {
    if (!token) {
      continue;
    }
    if (token.isCancellationRequested) {
      controller.abort();
    }
    subscriptions.push(token.onCancellationRequested(() => controller.abort()));
  }
  return {
    signal: controller.signal,
    dispose: () => {
      for (const s of subscriptions) {
        s.dispose();
      }
    },
  };
}

/** Whether an error is the result of cancelling (the client rejects with an AbortError). */
export function isCancellation(error: unknown, signal?: AbortSignal): boolean {
  if (error instanceof vscode.CancellationError) {
    return true;
  }
  const name = (error as Error | undefined)?.name;
  return name === "AbortError" || (signal?.aborted === true && error instanceof Error);
}
