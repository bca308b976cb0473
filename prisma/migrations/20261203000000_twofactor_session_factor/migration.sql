-- Which second factor a session was created with ('totp', 'passkey'), NULL = password only.
ALTER TABLE "session" ADD COLUMN "secondFactor" TEXT;
