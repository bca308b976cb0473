"use client";

import { createAuthClient } from "better-auth/react";
import { twoFactorClient } from "better-auth/client/plugins";
import { passkeyClient } from "@better-auth/passkey/client";

// Same-origin: the console talks to the better-auth handler mounted at /api/auth (only the routes
// lib/server/auth/auth-routes.ts lists answer).
export const authClient = createAuthClient({ plugins: [twoFactorClient(), passkeyClient()] });
