// The heartbeat-sidecar version this edge serves at /heartbeat-sidecar.tgz: the build packs
// sidecar/ (scripts/pack-sidecar.mjs) and bundles its package.json's version here, so both
// always agree. A host reporting another version is marked in the snapshot and on the page.
import sidecarPackage from "../../sidecar/package.json";

export const EDGE_SIDECAR_VERSION: string = sidecarPackage.version;

/** True when the host runs heartbeat-sidecar and its version is not the one this edge serves. */
export function sidecarDiffers(hostVersion: string | null): boolean {
  return hostVersion !== null && hostVersion !== EDGE_SIDECAR_VERSION;
}
