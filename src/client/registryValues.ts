// Values the registry hands back (a `Docker-Content-Digest` header, tag and
// repository names in a list, digests in /acr/v1 answers and in descriptors)
// are held to the same grammar as user input (reference.ts) before the
// library uses them, above all before they go into a request path: a tag
// `../../other/manifests/<digest>` resolves, by URL dot-segment rules
// (RFC 3986 section 5.2.4), to another repository's manifest. A value that
// fails is refused with InvalidRegistryResponseError naming the field; the
// value itself is quoted JSON-escaped and shortened, so it cannot forge lines.

import { InvalidInputError, InvalidRegistryResponseError } from "./errors";
import { checkDescriptor, describeValue } from "./descriptorRules";
import { capitalize } from "./messageText";
import type { OciDescriptor } from "./models";
import { validateDigest, validateRepositoryName, validateTag } from "./reference";

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

/** A content descriptor: the rules are descriptorRules.ts's, for every descriptor the library meets. */
export function registryDescriptor(value: unknown, field: string, source: RegistryValueSource): OciDescriptor {
  return checkDescriptor(value, field, (problem) => invalid(`${problem.field} ${problem.reason}`, problem.field, source));
}

function checked(value: unknown, field: string, source: RegistryValueSource, validate: (value: string) => string): string {
  if (typeof value !== "string") {
    throw invalid(`${field} is ${describeValue(value)}, not a string`, field, source);
  }
  try {
    return validate(value);
  } catch (error) {
    if (error instanceof InvalidInputError) {
      throw invalid(`${field} ${describeValue(value)} is not a valid ${error.field}: ${error.reason}`, field, source);
    }
    throw error;
  }
}

function invalid(what: string, field: string, source: RegistryValueSource): InvalidRegistryResponseError {
  const doing = source.operation ? `${capitalize(source.operation)} failed on ${source.registry}` : source.registry;
  return new InvalidRegistryResponseError(`${doing}: the registry answered with a value the client will not use: ${what}`, field, {
    operation: source.operation,
  });
}
