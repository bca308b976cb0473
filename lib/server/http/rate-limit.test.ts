import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { clientAddress, enforceRateLimit, resetRateLimits } from "./rate-limit";

const rule = { name: "t", perClient: 3, global: 5, windowMs: 1000 };
const from = (ip: string) => new Headers({ "x-forwarded-for": ip });

describe("rate limits", () => {
  beforeEach(() => resetRateLimits());

  it("limits each client, then lets it in again in the next window", () => {
    for (let i = 0; i < 3; i++) enforceRateLimit(rule, from("10.0.0.1"), 0);
    expect(() => enforceRateLimit(rule, from("10.0.0.1"), 10)).toThrowError(AppError);
    expect(() => enforceRateLimit(rule, from("10.0.0.1"), 10)).toThrow(/try again in 1 s/);
    enforceRateLimit(rule, from("10.0.0.1"), 1000);
  });

  it("caps everyone together, so forged addresses do not escape", () => {
    for (let i = 0; i < 5; i++) enforceRateLimit(rule, from(`10.0.0.${i}`), 0);
    const err = (() => {
      try {
        enforceRateLimit(rule, from("10.9.9.9"), 0);
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(err).toMatchObject({ code: "rate_limited", details: { retryAfter: 1 } });
  });

  it("takes the address the nearest proxy saw", () => {
    expect(clientAddress(from("1.1.1.1, 2.2.2.2"))).toBe("2.2.2.2");
    expect(clientAddress(new Headers())).toBe("unknown");
  });
});

describe("rate limits: a refused client", () => {
  beforeEach(() => resetRateLimits());
  it("does not use up the shared budget", () => {
    for (let i = 0; i < 20; i++) {
      try {
        enforceRateLimit(rule, from("10.6.6.6"), 0);
      } catch {
        /* refused after 3 */
      }
    }
    enforceRateLimit(rule, from("10.0.0.1"), 0);
    enforceRateLimit(rule, from("10.0.0.2"), 0);
  });
});
