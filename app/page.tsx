import { redirect } from "next/navigation";
import { connection } from "next/server";
import { isInitialized } from "@/lib/server/setup/initialize-signet";

export default async function Home() {
  await connection();
  redirect((await isInitialized()) ? "/dashboard" : "/setup");
}
