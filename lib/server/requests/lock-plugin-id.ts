// One lock per (organization, plugin id), taken before anything decides which key a plugin's next
// certificate is on. Jami refuses an update whose plugin key changed, so a plugin has one hosted
// key: two approvals that both looked for it before either committed would each generate their
// own. Under this lock the second one sees the first's certificate and re-issues on its key.
import type { Tx } from "../../db";

// The two-int4 form of advisory locks is a key space apart from the single-bigint locks used for
// the audit chain, registration and migrations; hashtext collisions only serialize two plugins.
const PLUGIN_ID_LOCK_SPACE = 72_707_010;

export async function lockPluginId(tx: Tx, orgId: string, pluginId: string): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock($1::int4, hashtext($2))`, PLUGIN_ID_LOCK_SPACE, `${orgId}/${pluginId}`);
}
