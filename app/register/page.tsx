import Link from "next/link";
import { RegisterOrgForm } from "@/components/orgs/register-org-form";

export const metadata = { title: "Register an organization" };

export default function RegisterPage() {
  return (
    <main className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center px-4 py-12">
      <div className="mb-8">
        <p className="text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet</p>
        <h1 className="mt-1 text-2xl font-bold">Register your organization</h1>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          A store operator reviews every registration. Once approved, your organization gets its own CA, and your members can
          request plugin certificates for ids under your prefix. Already registered?{" "}
          <Link href="/sign-in" className="font-medium text-brand-700 hover:underline dark:text-brand-300">
            Sign in
          </Link>
          .
        </p>
      </div>
      <RegisterOrgForm />
    </main>
  );
}
