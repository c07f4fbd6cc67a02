// SHA-256 of bytes as they stream past, and digest checks. Hashing happens in
// the same pass that moves the bytes, so nothing is read twice or held whole.

import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { DigestValidationError } from "./errors";
import { splitDigest } from "./reference";

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function digestOf(bytes: Uint8Array, algorithm: string): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/** Checks bytes against a digest of any registered algorithm (sha256, sha512). */
export function verifyDigest(bytes: Uint8Array, expectedDigest: string, what: string): void {
  const [algorithm] = splitDigest(expectedDigest);
  const actual = digestOf(bytes, algorithm);
  if (actual !== expectedDigest) {
    throw new DigestValidationError(expectedDigest, actual, what);
  }
}

/** Passes bytes through, hashing and counting them. */
export class HashingStream extends Transform {
  private readonly hash: Hash;
  bytes = 0;

  constructor(
    readonly algorithm = "sha256",
    private readonly onBytes?: (total: number) => void,
  ) {
    super();
    this.hash = createHash(algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    callback(null, chunk);
  }

  /** The digest of everything that passed; call once, after the end. */
  digest(): string {
    return `${this.algorithm}:${this.hash.digest("hex")}`;
  }
}

/**
 * Passes bytes through and, at the end, fails the stream with a
 * DigestValidationError unless they match `expectedDigest` (and
 * `expectedSize`, when known). A reader sees the error before `end`.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash;
  private bytes = 0;

  constructor(
    private readonly expectedDigest: string,
    private readonly expectedSize?: number,
    private readonly onBytes?: (total: number) => void,
  ) {
    super();
    this.hash = createHash(splitDigest(expectedDigest)[0]);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      callback(new DigestValidationError(this.expectedDigest, `more than ${this.expectedSize} bytes`, "blob"));
      return;
    }
    this.hash.update(chunk);
    this.onBytes?.(this.bytes);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const actual = `${splitDigest(this.expectedDigest)[0]}:${this.hash.digest("hex")}`;
    callback(actual === this.expectedDigest ? null : new DigestValidationError(this.expectedDigest, actual, "blob"));
  }
}
