// A layer in one line, for the layer picker and the wasted-space report.

import type { ImageLayer } from "../../client/index";
import { shortDigest } from "../format";

/** The build step that made the layer (image-spec config.md `history`), or its digest when the config has none. */
export function layerSummary(layer: ImageLayer): string {
  const step = layer.history?.createdBy?.replace(/\s+/g, " ").trim();
  return step || shortDigest(layer.digest);
}
