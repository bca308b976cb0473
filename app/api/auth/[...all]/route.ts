import { handleAuthRequest } from "@/lib/server/auth/handle-auth-request";

export const dynamic = "force-dynamic";

export { handleAuthRequest as GET, handleAuthRequest as POST };
