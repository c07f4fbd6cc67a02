// The "How to sign in" choices of the connect dialog, built from what the
// probe of the address found (client/probeRegistry.ts): the choice that will
// work comes first and is preselected, Microsoft sign-in leads for ACR hosts
// and is not offered for others (it cannot sign in anywhere else). One list,
// one function: a further way to sign in is one more entry here.

import * as vscode from "vscode";
import { isAzureContainerRegistryHost, type RegistryProbe } from "../../client/index";
import type { AuthKind } from "../connections";

export interface SignInChoice extends vscode.QuickPickItem {
  auth: AuthKind;
}

export interface SignInContext {
  loginServer: string;
  /** What /v2/ said without credentials; undefined when it was not probed (re-enter credentials). */
  probe?: RegistryProbe;
  /** Docker's config has credentials for the host. */
  dockerCredentials: boolean;
}

/** The choices in order; the first is the one to preselect. */
export function signInChoices(context: SignInContext): SignInChoice[] {
  const { loginServer, probe } = context;
  const docker: SignInChoice = {
    label: `$(key) ${vscode.l10n.t("Docker config")}`,
    description: vscode.l10n.t("use the credentials Docker has for {0}", loginServer),
    auth: "dockerConfig",
  };
  const password: SignInChoice = {
    label: `$(lock) ${vscode.l10n.t("Username and password or token")}`,
    description: vscode.l10n.t("kept in VS Code's secret storage"),
    auth: "password",
  };
  const anonymous: SignInChoice = {
    label: `$(globe) ${vscode.l10n.t("Anonymous")}`,
    description: vscode.l10n.t("public content only"),
    auth: "anonymous",
  };
  const microsoft: SignInChoice = {
    label: `$(account) ${vscode.l10n.t("Microsoft account")}`,
    description: vscode.l10n.t("sign in with VS Code's Microsoft authentication"),
    auth: "microsoft",
  };
  const azureIdentity: SignInChoice = {
    label: `$(azure) ${vscode.l10n.t("Azure identity")}`,
    description: vscode.l10n.t("environment, managed identity, Azure CLI (az login)"),
    auth: "azureIdentity",
  };
  const anonymousWorks = probe?.access.kind === "anonymous" || (probe?.access.kind === "token" && probe.access.anonymousTokens);
  if (anonymousWorks) {
    anonymous.detail = vscode.l10n.t("The registry answered without credentials.");
  } else if (probe?.access.kind === "basic") {
    password.detail = vscode.l10n.t("The registry asks for a username and password.");
  }
  const generic = anonymousWorks ? [anonymous, password] : [password, anonymous];
  const ordered = isAzureContainerRegistryHost(loginServer) ? [microsoft, azureIdentity, ...generic] : generic;
  // Credentials Docker already has are the likeliest to work, unless no credentials are needed at all.
  if (context.dockerCredentials) {
    ordered.splice(probe?.access.kind === "anonymous" ? 1 : 0, 0, docker);
  }
  return ordered;
}
