// Reads a response body into memory with a hard cap, so a hostile or broken
// registry cannot make the client buffer gigabytes (an endless error body, a
// "manifest" that never ends).

import { ResponseTooLargeError } from "../errors";

export async function readBodyCapped(
  body: NodeJS.ReadableStream | undefined,
  maxBytes: number,
  what: string,
): Promise<Buffer> {
  if (!body) {
    return Buffer.alloc(0);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > maxBytes) {
      destroyBody(body);
      throw new ResponseTooLargeError(`The ${what} is larger than the ${formatLimit(maxBytes)} limit`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

/** Reads up to `maxBytes` and silently drops the rest: for error bodies, where a prefix is enough. */
export async function readBodyPrefix(body: NodeJS.ReadableStream | undefined, maxBytes: number): Promise<Buffer> {
  if (!body) {
    return Buffer.alloc(0);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    chunks.push(buffer.subarray(0, Math.max(0, maxBytes - total)));
    total += buffer.length;
    if (total >= maxBytes) {
      destroyBody(body);
      break;
    }
  }
  return Buffer.concat(chunks);
}

/** Lets go of a body nobody will read, so its connection is freed. */
export function destroyBody(body: NodeJS.ReadableStream | undefined): void {
  const destroyable = body as unknown as { destroy?: () => void } | undefined;
  destroyable?.destroy?.();
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
