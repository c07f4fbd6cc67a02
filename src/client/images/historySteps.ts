// Pairs the config's history with the manifest's layers (image-spec config.md
// "history": entries with `empty_layer` add no layer; the others match
// `rootfs.diff_ids`, and so the manifest's layers, in order).

import type { GetManifestResult } from "../models";
import type { HistoryStep, ImageConfig } from "./imageModels";

export function historySteps(config: ImageConfig, manifest: GetManifestResult): HistoryStep[] {
  const layers = manifest.manifest.layers ?? [];
  let next = 0;
  return (Array.isArray(config.history) ? config.history : []).map((entry) => {
    if (entry.empty_layer === true) {
      return { entry };
    }
    const layer = layers[next++];
    return layer ? { entry, layer } : { entry };
  });
}
