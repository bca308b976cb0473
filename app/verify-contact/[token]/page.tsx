import { ContactVerify } from "@/components/teams/contact-verify";

export const metadata = { title: "Confirm the contact address" };

export default async function VerifyContactPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-12">
      <p className="mb-4 text-center text-sm font-semibold tracking-wide text-brand-600 uppercase dark:text-brand-300">Signet</p>
      <ContactVerify token={token} />
    </main>
  );
}
