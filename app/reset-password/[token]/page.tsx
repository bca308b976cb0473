import { ResetPasswordForm } from "@/components/auth/password-reset-forms";

export const metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-4 py-12">
      <p className="mb-4 text-center text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet</p>
      <ResetPasswordForm token={token} />
    </main>
  );
}
