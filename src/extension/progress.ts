// A transfer under a cancellable progress notification: the client's
// onProgress callbacks become bytes and a percentage.

import * as vscode from "vscode";
import { abortSignalFor, isCancellation } from "./cancellation";
import { formatBytes } from "./format";

/** Reports bytes moved so far; the total may be unknown (a stream of unknown length). */
export type ByteReporter = (transferredBytes: number, totalBytes?: number) => void;

export interface TransferContext {
  signal: AbortSignal;
  /** Absolute progress of the whole operation. */
  report: ByteReporter;
  /** A line above the byte count, e.g. the file being moved. */
  setStep(step: string): void;
}

export interface TransferProgressOptions {
  title: string;
  /** An extra token (a programmatic caller's) that also cancels. */
  cancellationToken?: vscode.CancellationToken;
  /** Also told about every report (programmatic callers, tests). */
  onProgress?: ByteReporter;
}

/**
 * Runs a transfer under a cancellable progress notification. Rejects with
 * vscode.CancellationError when the user (or the extra token) cancelled.
 */
export function withTransferProgress<T>(options: TransferProgressOptions, task: (context: TransferContext) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: options.title, cancellable: true },
      async (progress, token) => {
        const abort = abortSignalFor(token, options.cancellationToken);
        let reportedPercent = 0;
        let step = "";
        let lastMessage = "";
        let lastBytes = 0;
        let lastTotal: number | undefined;
        const render = (): void => {
          const bytes =
            lastTotal === undefined ? formatBytes(lastBytes) : vscode.l10n.t("{0} of {1}", formatBytes(lastBytes), formatBytes(lastTotal));
          const percent = lastTotal ? Math.min(100, Math.floor((lastBytes / lastTotal) * 100)) : undefined;
          const message = [step, percent === undefined ? bytes : vscode.l10n.t("{0} ({1}%)", bytes, percent)].filter(Boolean).join(" — ");
          const increment = percent === undefined ? undefined : percent - reportedPercent;
          if (message !== lastMessage || (increment ?? 0) > 0) {
            progress.report({ message, increment: increment && increment > 0 ? increment : undefined });
            lastMessage = message;
            if (percent !== undefined && percent > reportedPercent) {
              reportedPercent = percent;
            }
          }
        };
        const context: TransferContext = {
          signal: abort.signal,
          report: (transferred, total) => {
            lastBytes = transferred;
            lastTotal = total;
            render();
            options.onProgress?.(transferred, total);
          },
          setStep: (value) => {
            step = value;
            render();
          },
        };
        try {
          return await task(context);
        } catch (error) {
          if (abort.signal.aborted && isCancellation(error, abort.signal)) {
            throw new vscode.CancellationError();
          }
          throw error;
        } finally {
          abort.dispose();
        }
      },
    ),
  );
}
