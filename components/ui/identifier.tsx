import { Fragment } from "react";

/**
 * A long configuration name or path in monospace (THIRD_PARTY_SIGNATURE_VERIFICATION_PUBLIC_KEYS,
 * PluginSettings.SignaturePublicKeyFiles): on a narrow screen it may wrap after `-`, `_`, `.` or `/`, never
 * inside a word.
 */
export function Identifier({ children }: { children: string }) {
  const parts = children.split(/(?<=[-_./])/);
  return (
    <code className="font-mono text-[0.9em]">
      {parts.map((p, i) => (
        <Fragment key={i}>
          {p}
          {i < parts.length - 1 ? <wbr /> : null}
        </Fragment>
      ))}
    </code>
  );
}
