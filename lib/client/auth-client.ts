"use client";

import { createAuthClient } from "better-auth/react";

// Same-origin: the console talks to the better-auth handler mounted at /api/auth.
export const authClient = createAuthClient();
