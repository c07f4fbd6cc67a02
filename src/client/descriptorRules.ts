// The one check of a content descriptor, wherever it comes from: an index
// or a manifest a registry served (registryValues.ts), or one the copy
// routine walks from a registry, a layout on disk or the caller
// (content/descriptors.ts). Each caller turns the problem found into its own
// error; the rules are image-spec descriptor.md ("Properties") and, for
// `platform`, image-index.md ("manifests").

import { InvalidInputError } from "./errors";
import type { OciDescriptor } from "./models";
import { validateDigest } from "./reference";

/** Descriptor sizes above this are not believed (image-spec: int64; no real blob is a petabyte). */
export const MAX_DESCRIPTOR_SIZE = 2 ** 50;

/** What is wrong with a descriptor: `field` names it (e.g. `layers[2].size`), `reason` follows it in a sentence. */
export interface DescriptorProblem {
  field: string;
  reason: string;
}

// RFC 6838 section 4.2 restricted-name, for type and subtype (descriptor.md: `mediaType` and
// `artifactType` MUST comply with it). A value without it could also never go into a Content-Type header.
const RESTRICTED_NAME = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}";
const MEDIA_TYPE = new RegExp(`^${RESTRICTED_NAME}/${RESTRICTED_NAME}$`);
// RFC 4648 section 4, padded (descriptor.md "data").
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The first way `value` is not a descriptor, or undefined when it is one:
 * `mediaType` a media type, `digest` a valid digest (it goes into request
 * paths), `size` a whole number of bytes, not negative and not absurd (a blob
 * is never read past it), and the optional `artifactType`, `urls`,
 * `annotations`, `data` and `platform` of the shapes the spec gives them.
 */
export function descriptorProblem(value: unknown, field: string): DescriptorProblem | undefined {
  if (!isPlainObject(value)) {
    return { field, reason: `is ${describeValue(value)}, not a descriptor object` };
  }
  return (
    mediaTypeProblem(value.mediaType, `${field}.mediaType`, true) ??
    digestProblem(value.digest, `${field}.digest`) ??
    sizeProblem(value.size, `${field}.size`) ??
    mediaTypeProblem(value.artifactType, `${field}.artifactType`, false) ??
    urlsProblem(value.urls, `${field}.urls`) ??
    annotationsProblem(value.annotations, `${field}.annotations`) ??
    dataProblem(value.data, `${field}.data`) ??
    platformProblem(value.platform, `${field}.platform`)
  );
}

/** `value` as an error message quotes it: JSON, shortened, so that it cannot forge lines. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return "missing";
  }
  // JSON has no text only for a function or a symbol.
  const text = JSON.stringify(value) ?? (typeof value === "symbol" ? value.toString() : typeof value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** `value` as a descriptor, or what `refuse` makes of its problem thrown. */
export function checkDescriptor(value: unknown, field: string, refuse: (problem: DescriptorProblem) => Error): OciDescriptor {
  const problem = descriptorProblem(value, field);
  if (problem) {
    throw refuse(problem);
  }
  return value as OciDescriptor;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mediaTypeProblem(value: unknown, field: string, required: boolean): DescriptorProblem | undefined {
  if (value === undefined && !required) {
    return undefined;
  }
  if (typeof value !== "string") {
    return { field, reason: `is ${describeValue(value)}, not a string` };
  }
  return MEDIA_TYPE.test(value) ? undefined : { field, reason: `is ${describeValue(value)}, not a media type (type/subtype)` };
}

function digestProblem(value: unknown, field: string): DescriptorProblem | undefined {
  if (typeof value !== "string") {
    return { field, reason: `is ${describeValue(value)}, not a string` };
  }
  try {
    validateDigest(value);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidInputError) {
      return { field, reason: `is ${describeValue(value)}, not a valid digest: ${error.reason}` };
    }
    throw error;
  }
}

function sizeProblem(value: unknown, field: string): DescriptorProblem | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= MAX_DESCRIPTOR_SIZE) {
    return undefined;
  }
  return { field, reason: `is ${describeValue(value)}, not a byte count` };
}

// Entries SHOULD be http(s) (descriptor.md "urls"); the library never fetches them, so any absolute URL passes.
function urlsProblem(value: unknown, field: string): DescriptorProblem | undefined {
  return listProblem(value, field, (item, itemField) => {
    if (typeof item !== "string" || !isAbsoluteUrl(item)) {
      return { field: itemField, reason: `is ${describeValue(item)}, not a URL` };
    }
    return undefined;
  });
}

function annotationsProblem(value: unknown, field: string): DescriptorProblem | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!isPlainObject(value)) {
    return { field, reason: `is ${describeValue(value)}, not a map of strings` };
  }
  // annotations.md "Rules": keys and values MUST be strings (a value may be empty).
  const key = Object.keys(value).find((k) => typeof value[k] !== "string");
  return key === undefined
    ? undefined
    : { field: `${field}[${JSON.stringify(key)}]`, reason: `is ${describeValue(value[key])}, not a string` };
}

function dataProblem(value: unknown, field: string): DescriptorProblem | undefined {
  if (value === undefined || (typeof value === "string" && BASE64.test(value))) {
    return undefined;
  }
  return { field, reason: `is ${describeValue(value)}, not base64` };
}

function platformProblem(value: unknown, field: string): DescriptorProblem | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!isPlainObject(value)) {
    return { field, reason: `is ${describeValue(value)}, not a platform object` };
  }
  for (const name of ["architecture", "os"]) {
    if (typeof value[name] !== "string" || value[name] === "") {
      return { field: `${field}.${name}`, reason: `is ${describeValue(value[name])}, not a name` };
    }
  }
  for (const name of ["variant", "os.version"]) {
    if (value[name] !== undefined && typeof value[name] !== "string") {
      return { field: `${field}.${name}`, reason: `is ${describeValue(value[name])}, not a string` };
    }
  }
  return stringListProblem(value["os.features"], `${field}.os.features`) ?? stringListProblem(value.features, `${field}.features`);
}

function stringListProblem(value: unknown, field: string): DescriptorProblem | undefined {
  return listProblem(value, field, (item, itemField) =>
    typeof item === "string" ? undefined : { field: itemField, reason: `is ${describeValue(item)}, not a string` },
  );
}

function listProblem(
  value: unknown,
  field: string,
  itemProblem: (item: unknown, field: string) => DescriptorProblem | undefined,
): DescriptorProblem | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!Array.isArray(value)) {
    return { field, reason: `is ${describeValue(value)}, not a list` };
  }
  for (const [index, item] of value.entries()) {
    const problem = itemProblem(item, `${field}[${index}]`);
    if (problem) {
      return problem;
    }
  }
  return undefined;
}

function isAbsoluteUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}
