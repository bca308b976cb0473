import { auth } from "@/lib/server/auth/auth";

export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  return (await auth()).handler(req);
}

export { handle as GET, handle as POST };
