// The only identity-library routes reachable over HTTP. better-auth's plugins bring ~90 routes
// (organization/update, sign-up/email, admin/*, api-key/*…) that change organizations, members,
// roles, users and tokens with none of Signet's checks or audit: a pending organization could
// rename itself into another's name and be issued a CA for it. Everything else Signet does with
// identity goes through its own workflows (lib/server/*), which call `auth.api.*` in-process,
// never this HTTP surface. A route not listed here answers 404, so a route a new plugin or a
// better-auth upgrade adds is closed until someone lists it on purpose.
export const AUTH_BASE_PATH = "/api/auth";

export type AuthRoute = { method: "GET" | "POST"; path: string };

/** Each entry is a route the browser console calls through `authClient` (lib/client/auth-client.ts). */
export const BROWSER_AUTH_ROUTES: readonly AuthRoute[] = [
  // components/sign-in-form.tsx, setup-form.tsx, register-org-form.tsx: a person signs in with a password.
  { method: "POST", path: "/sign-in/email" },
  // components/console-nav.tsx: "Sign out" ends the session.
  { method: "POST", path: "/sign-out" },
  // better-auth's client refreshes its session store with this after sign-in/out; read-only.
  { method: "GET", path: "/get-session" },
  // components/security/totp-settings.tsx: a signed-in person turns TOTP on (their password required;
  // returns the secret and recovery codes once) and confirms it with a first code (verify-totp below).
  { method: "POST", path: "/two-factor/enable" },
  // components/security/totp-settings.tsx: turning TOTP off needs the password again.
  { method: "POST", path: "/two-factor/disable" },
  // components/sign-in-form.tsx: after the password, the code from the app (only with the short-lived
  // two-factor cookie sign-in/email set), and the enrolment's confirmation code.
  { method: "POST", path: "/two-factor/verify-totp" },
  // components/sign-in-form.tsx: a recovery code instead of the app's code; each works once.
  { method: "POST", path: "/two-factor/verify-backup-code" },
  // components/security/passkey-settings.tsx: the WebAuthn registration ceremony for the signed-in
  // person (options, then the authenticator's attestation). Listing and removal are Signet's
  // (/api/v1/account/passkeys): better-auth 1.7's /passkey/delete-passkey deletes by id whoever owns it.
  { method: "GET", path: "/passkey/generate-register-options" },
  { method: "POST", path: "/passkey/verify-registration" },
  // components/sign-in-form.tsx: "Sign in with a passkey" (WebAuthn assertion, discoverable credential).
  { method: "GET", path: "/passkey/generate-authenticate-options" },
  { method: "POST", path: "/passkey/verify-authentication" },
];

/**
 * Identity writes also switched off inside better-auth (`disabledPaths`), so that they stay closed
 * even if its handler were ever mounted without the gate in ./handle-auth-request.ts. Not the allow-list: a second lock
 * on the doors that matter most.
 */
export const DISABLED_AUTH_PATHS: readonly string[] = [
  "/sign-up/email",
  "/update-user",
  "/change-email",
  "/delete-user",
  "/organization/create",
  "/organization/update",
  "/organization/delete",
  "/organization/invite-member",
  "/organization/accept-invitation",
  "/organization/update-member-role",
  "/organization/remove-member",
  "/organization/leave",
  "/admin/set-role",
  "/admin/create-user",
  "/admin/update-user",
  "/admin/remove-user",
  "/admin/set-user-password",
  "/admin/impersonate-user",
  "/api-key/create",
  "/api-key/update",
];

export function isBrowserAuthRoute(method: string, path: string): boolean {
  return BROWSER_AUTH_ROUTES.some((r) => r.method === method && r.path === path);
}
