// Extra CA certificates to trust: the `containerRegistryExplorer.caCertificateFile`
// setting (for every registry) plus the CA file saved with a registry. Needed
// for registries with a self-signed certificate or a private CA.

import { promises as fs } from "node:fs";
import * as vscode from "vscode";

export const CA_CERTIFICATE_SETTING = "containerRegistryExplorer.caCertificateFile";

/** PEM text of every configured CA file, or undefined when none is set. */
export async function readTrustedCertificates(registryCaFile?: string): Promise<string | undefined> {
  const configured = vscode.workspace.getConfiguration().get<string>(CA_CERTIFICATE_SETTING, "").trim();
  const files = [configured, registryCaFile ?? ""].filter((file) => file.length > 0);
  const pems: string[] = [];
  for (const file of files) {
    try {
      pems.push(await fs.readFile(file, "utf8"));
    } catch (error) {
      throw new Error(
        vscode.l10n.t("Cannot read the CA certificate file {0}: {1}", file, (error as NodeJS.ErrnoException).code ?? String(error)),
        { cause: error },
      );
    }
  }
  return pems.length > 0 ? pems.join("\n") : undefined;
}
