import { ForgotPasswordForm } from "@/components/auth/password-reset-forms";

export const metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-4 py-12">
      <p className="mb-4 text-center text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet</p>
      <ForgotPasswordForm />
    </main>
  );
}
