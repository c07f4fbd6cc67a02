// Reads a response body into memory with a hard cap, so a hostile or broken
// registry cannot make the client buffer gigabytes (an endless error body, a
// "manifest" that never ends).

import { ResponseTooLargeError } from "../errors";

export async function readBodyCapped(body: NodeJS.ReadableStream | undefined, maxBytes: number, what: string): Promise<Buffer> {
  const { bytes, overflowed } = await readUpTo(body, maxBytes);
  if (overflowed) {
    throw new ResponseTooLargeError(`The ${what} is larger than the ${formatLimit(maxBytes)} limit`);
  }
  return bytes;
}

/** Reads up to `maxBytes` and silently drops the rest: for error bodies, where a prefix is enough. */
export async function readBodyPrefix(body: NodeJS.ReadableStream | undefined, maxBytes: number): Promise<Buffer> {
  return (await readUpTo(body, maxBytes)).bytes;
}

/** The first `maxBytes` of a body; a body that goes past them is destroyed, not read to its end. */
async function readUpTo(body: NodeJS.ReadableStream | undefined, maxBytes: number): Promise<{ bytes: Buffer; overflowed: boolean }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  if (body) {
    for await (const chunk of body as AsyncIterable<Buffer | string>) {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      if (kept + buffer.length > maxBytes) {
        chunks.push(buffer.subarray(0, maxBytes - kept));
        destroyBody(body);
        return { bytes: Buffer.concat(chunks), overflowed: true };
      }
      chunks.push(buffer);
      kept += buffer.length;
    }
  }
  return { bytes: Buffer.concat(chunks, kept), overflowed: false };
}

/** Lets go of a body nobody will read, so its connection is freed. */
export function destroyBody(body: NodeJS.ReadableStream | undefined): void {
  const destroyable = body as unknown as { destroy?: () => void } | undefined;
  destroyable?.destroy?.();
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
