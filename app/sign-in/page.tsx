import { redirect } from "next/navigation";
import { connection } from "next/server";
import { isInitialized } from "@/lib/server/setup/initialize-signet";
import { SignInForm } from "@/components/sign-in-form";

export const metadata = { title: "Sign in" };

export default async function SignInPage() {
  await connection();
  if (!(await isInitialized())) redirect("/setup");
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-4 py-12">
      <div className="mb-6 text-center">
        <p className="text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet</p>
        <h1 className="mt-1 text-2xl font-bold">Sign in</h1>
      </div>
      <SignInForm />
    </main>
  );
}
