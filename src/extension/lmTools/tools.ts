// The tools' implementations, loaded on the first call of any of them
// (registerLanguageModelTools.ts imports this module dynamically).

import type { Services } from "../commands/shared/commandServices";
import { addTagTool } from "./addTagTool";
import { deleteTagOrManifestTool } from "./deleteTagOrManifestTool";
import { executeCleanupTool } from "./executeCleanupTool";
import { findTagsOfDigestTool } from "./findTagsOfDigestTool";
import { inspectImageTool } from "./inspectImageTool";
import { listRegistriesTool } from "./listRegistriesTool";
import { listRepositoriesTool } from "./listRepositoriesTool";
import { listTagsAndManifestsTool } from "./listTagsAndManifestsTool";
import { planCleanupTool } from "./planCleanupTool";
import type { RegistryTool } from "./registryTool";
import { toRegistryTool } from "./toolAdapter";
import type { ToolKey } from "./toolNames";

export function createTools(services: Services): Record<ToolKey, RegistryTool> {
  return {
    listRegistries: toRegistryTool(listRegistriesTool(services)),
    listRepositories: toRegistryTool(listRepositoriesTool(services)),
    listTagsAndManifests: toRegistryTool(listTagsAndManifestsTool(services)),
    inspectImage: toRegistryTool(inspectImageTool(services)),
    findTagsOfDigest: toRegistryTool(findTagsOfDigestTool(services)),
    planCleanup: toRegistryTool(planCleanupTool(services)),
    executeCleanup: toRegistryTool(executeCleanupTool(services)),
    deleteTagOrManifest: toRegistryTool(deleteTagOrManifestTool(services)),
    addTag: toRegistryTool(addTagTool(services)),
  };
}
