// Registries connected at activation from the environment, so a demo or a
// test setup (`npm start`) opens VS Code already connected without anyone
// typing into the connect dialog.
//
//   CRE_PRESET_REGISTRIES='[{"endpoint":"http://127.0.0.1:5000","anonymous":true},
//                           {"endpoint":"http://127.0.0.1:5001","username":"admin","password":"..."}]'
//
// Each entry takes the connect command's programmatic arguments (ConnectArgs).
// An entry whose endpoint is already saved is left alone (the user may have
// changed its credentials). Registries a previous preset added whose endpoint
// is no longer listed are disconnected, so a demo that starts its registries on
// new ports each time does not pile up dead entries. Without the variable
// nothing happens.

import { parseEndpoint } from "../client/index";
import { connect, type ConnectArgs } from "./commands/connect";
import type { Services } from "./commands/shared/commandServices";

export const PRESET_ENV = "CRE_PRESET_REGISTRIES";
const PRESET_IDS_KEY = "containerRegistryExplorer.presetRegistryIds";

function parsePresets(text: string): ConnectArgs[] {
  const value: unknown = JSON.parse(text);
  if (
    !Array.isArray(value) ||
    !value.every((e) => typeof e === "object" && e !== null && typeof (e as ConnectArgs).endpoint === "string")
  ) {
    throw new Error("expected a JSON array of objects with an endpoint");
  }
  return value as ConnectArgs[];
}

export async function connectPresetRegistries(services: Services, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const text = env[PRESET_ENV];
  if (!text) {
    return;
  }
  const { connections, context, log } = services;
  let presets: ConnectArgs[];
  try {
    presets = parsePresets(text);
  } catch (error) {
    log.warn(`${PRESET_ENV} ignored: ${(error as Error).message}`);
    return;
  }
  const origins = new Set<string>();
  for (const preset of presets) {
    try {
      origins.add(parseEndpoint(preset.endpoint, preset.allowInsecureHttp).origin);
    } catch (error) {
      log.warn(`${PRESET_ENV}: ${preset.endpoint} ignored: ${(error as Error).message}`);
    }
  }
  const previous = context.globalState.get<string[]>(PRESET_IDS_KEY, []);
  const kept: string[] = [];
  for (const id of previous) {
    const saved = connections.get(id);
    if (saved && !origins.has(saved.endpoint)) {
      log.info(`${PRESET_ENV}: disconnecting ${saved.loginServer}, which an earlier preset added`);
      await connections.remove(id);
    } else if (saved) {
      kept.push(id);
    }
  }
  for (const preset of presets) {
    let origin: string;
    try {
      origin = parseEndpoint(preset.endpoint, preset.allowInsecureHttp).origin;
    } catch {
      continue;
    }
    if (connections.list().some((r) => r.endpoint === origin)) {
      continue;
    }
    try {
      // No verification round trip: a registry that does not answer shows an error node in the tree instead.
      const saved = await connect(services, { ...preset, skipVerification: true });
      if (saved) {
        kept.push(saved.id);
        log.info(`${PRESET_ENV}: connected ${saved.loginServer}`);
      }
    } catch (error) {
      log.error(`${PRESET_ENV}: could not connect ${preset.endpoint}`, error);
    }
  }
  await context.globalState.update(PRESET_IDS_KEY, kept);
}
