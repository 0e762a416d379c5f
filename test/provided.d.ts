// Values the vitest globalSetups provide (test/local-edge.ts, test/space-servers.ts), typed
// for `inject()` in both the edge and the node test projects.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** A local `wrangler dev` edge (node project). */
    edgeUrl: string;
    adminToken: string;
    /** Loopback servers acting as Spaces (edge project). */
    spacesBase: string;
    /** A loopback address where nothing listens. */
    refusedBase: string;
  }
}
