import { redirect } from "next/navigation";
import { connection } from "next/server";
import { isInitialized } from "@/lib/server/setup/initialize-signet";
import { SetupForm } from "@/components/setup-form";

export const metadata = { title: "Set up" };

export default async function SetupPage() {
  await connection();
  if (await isInitialized()) redirect("/sign-in");
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col justify-center px-4 py-12">
      <div className="mb-8">
        <p className="text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet · first run</p>
        <h1 className="mt-1 text-2xl font-bold">Create the store operator and the Root CA</h1>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          The setup token was printed on the server console when Signet started. The Root CA key is generated and kept
          by Signet, encrypted at rest; it signs organization CAs only.
        </p>
      </div>
      <SetupForm />
    </main>
  );
}
