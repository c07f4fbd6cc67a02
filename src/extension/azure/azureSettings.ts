// The Azure group's settings, and VS Code's sovereign-cloud settings it follows.

import * as vscode from "vscode";
import { type AzureCloud, resolveCloud } from "./cloud";

export const RESOURCE_MANAGER_ENDPOINT_SETTING = "containerRegistryExplorer.azure.resourceManagerEndpoint";
export const SUBSCRIPTIONS_SETTING = "containerRegistryExplorer.azure.subscriptions";
const SOVEREIGN_ENVIRONMENT_SETTING = "microsoft-sovereign-cloud.environment";
const SOVEREIGN_CUSTOM_SETTING = "microsoft-sovereign-cloud.customEnvironment";

/** Settings whose change redraws the Azure group. */
export const AZURE_SETTINGS = [
  RESOURCE_MANAGER_ENDPOINT_SETTING,
  SUBSCRIPTIONS_SETTING,
  SOVEREIGN_ENVIRONMENT_SETTING,
  SOVEREIGN_CUSTOM_SETTING,
];

export function currentCloud(): AzureCloud {
  const config = vscode.workspace.getConfiguration();
  return resolveCloud({
    sovereignEnvironment: config.get<string>(SOVEREIGN_ENVIRONMENT_SETTING),
    customEnvironment: config.get<unknown>(SOVEREIGN_CUSTOM_SETTING),
    resourceManagerEndpoint: config.get<string>(RESOURCE_MANAGER_ENDPOINT_SETTING, ""),
  });
}

/** The subscription ids to show (lower case); empty means all. Anything that is not a string is ignored. */
export function subscriptionFilter(): Set<string> {
  const value = vscode.workspace.getConfiguration().get<unknown>(SUBSCRIPTIONS_SETTING, []);
  const ids = Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.trim().length > 0) : [];
  return new Set(ids.map((id) => id.trim().toLowerCase()));
}
