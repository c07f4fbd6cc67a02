// The language model tools' names: package.json's contributes.languageModelTools
// declares them (with their schemas and descriptions), activation registers an
// implementation under each, and the tests invoke them by these names.

export const TOOL_NAMES = {
  listRegistries: "containerRegistry_listRegistries",
  listRepositories: "containerRegistry_listRepositories",
  listTagsAndManifests: "containerRegistry_listTagsAndManifests",
  inspectImage: "containerRegistry_inspectImage",
  findTagsOfDigest: "containerRegistry_findTagsOfDigest",
  planCleanup: "containerRegistry_planCleanup",
  executeCleanup: "containerRegistry_executeCleanup",
  deleteTagOrManifest: "containerRegistry_deleteTagOrManifest",
  addTag: "containerRegistry_addTag",
} as const;

export type ToolKey = keyof typeof TOOL_NAMES;
