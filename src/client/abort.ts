// Waiting on shared work (a token fetch, the registry probe) with one caller's
// AbortSignal: the caller stops waiting when it is aborted, and the shared
// work goes on for the others.

import { AbortError, type AbortSignalLike } from "@azure/abort-controller";

function abortError(): Error {
  return new AbortError("The operation was aborted.");
}

export function raceAbort<T>(shared: Promise<T>, signal: AbortSignalLike | undefined): Promise<T> {
  if (!signal) {
    return shared;
  }
  if (signal.aborted) {
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener("abort", onAbort);
    shared.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
