/**
 * The digest a server component's error carries when the database is unavailable: Next passes a
 * thrown error's own digest to the error boundary (app/error.tsx) even in production, where it
 * hides the message. Its own module so that the client-side boundary imports nothing else.
 */
export const DATABASE_UNAVAILABLE_DIGEST = "SIGNET_DATABASE_UNAVAILABLE";
