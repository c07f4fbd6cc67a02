// Values the registry hands back (a `Docker-Content-Digest` header, tag and
// repository names in a list, digests in /acr/v1 answers and in descriptors)
// are held to the same grammar as user input (reference.ts) before the
// library uses them, above all before they go into a request path: a tag
// `../../other/manifests/<digest>` resolves, by URL dot-segment rules
// (RFC 3986 section 5.2.4), to another repository's manifest. A value that
// fails is refused with InvalidRegistryResponseError naming the field; the
// value itself is quoted JSON-escaped and shortened, so it cannot forge lines.

import { InvalidInputError, InvalidRegistryResponseError } from "./errors";
import type { OciDescriptor } from "./models";
import { validateDigest, validateRepositoryName, validateTag } from "./reference";

/** Descriptor sizes above this are not believed (image-spec: int64; no real blob is a petabyte). */
export const MAX_DESCRIPTOR_SIZE = 2 ** 50;

export interface RegistryValueSource {
  /** `host[:port]` of the registry that sent the value. */
  registry: string;
  /** What the library was doing, e.g. "delete repository". */
  operation?: string;
}

export function registryDigest(value: unknown, field: string, source: RegistryValueSource): string {
  return checked(value, field, source, validateDigest);
}

export function registryTag(value: unknown, field: string, source: RegistryValueSource): string {
  return checked(value, field, source, validateTag);
}

export function registryRepositoryName(value: unknown, field: string, source: RegistryValueSource): string {
  return checked(value, field, source, validateRepositoryName);
}

/** A list the registry sent, each entry checked; `field` is the list's name, entries are reported as `field[i]`. */
export function registryList<T>(
  value: unknown,
  field: string,
  source: RegistryValueSource,
  check: (item: unknown, field: string) => T,
): T[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw invalid(`${field} is not a list`, field, source);
  }
  return value.map((item, index) => check(item, `${field}[${index}]`));
}

/**
 * A content descriptor (image-spec descriptor.md): `mediaType` a string,
 * `digest` a valid digest, `size` a whole number of bytes, not negative and
 * not absurd (a blob is never read past it).
 */
export function registryDescriptor(value: unknown, field: string, source: RegistryValueSource): OciDescriptor {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(`${field} is not a descriptor object`, field, source);
  }
  const descriptor = value as Record<string, unknown>;
  if (typeof descriptor.mediaType !== "string" || descriptor.mediaType.length === 0) {
    throw invalid(`${field}.mediaType is missing or not a string`, `${field}.mediaType`, source);
  }
  registryDigest(descriptor.digest, `${field}.digest`, source);
  const size = descriptor.size;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0 || size > MAX_DESCRIPTOR_SIZE) {
    throw invalid(`${field}.size is ${describe(size)}, not a byte count`, `${field}.size`, source);
  }
  if (descriptor.artifactType !== undefined && typeof descriptor.artifactType !== "string") {
    throw invalid(`${field}.artifactType is not a string`, `${field}.artifactType`, source);
  }
  return value as OciDescriptor;
}

function checked(value: unknown, field: string, source: RegistryValueSource, validate: (value: string) => string): string {
  if (typeof value !== "string") {
    throw invalid(`${field} is ${describe(value)}, not a string`, field, source);
  }
  try {
    return validate(value);
  } catch (error) {
    if (error instanceof InvalidInputError) {
      throw invalid(`${field} ${describe(value)} is not a valid ${error.field}: ${error.reason}`, field, source);
    }
    throw error;
  }
}

function invalid(what: string, field: string, source: RegistryValueSource): InvalidRegistryResponseError {
  const doing = source.operation
    ? `${source.operation[0].toUpperCase()}${source.operation.slice(1)} failed on ${source.registry}`
    : source.registry;
  return new InvalidRegistryResponseError(`${doing}: the registry answered with a value the client will not use: ${what}`, field, {
    operation: source.operation,
  });
}

function describe(value: unknown): string {
  if (value === undefined) {
    return "missing";
  }
  // JSON has no text only for a function or a symbol.
  const text = JSON.stringify(value) ?? (typeof value === "symbol" ? value.toString() : typeof value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
