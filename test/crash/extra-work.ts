// Further crash-sensitive work the worker does in each round (archive signing, once it exists).
import type { Principal } from "../../lib/server/auth/principal";

export async function extraCrashWork(_admin: Principal, _orgSlug: string, _pluginId: string, _n: number): Promise<void> {}
