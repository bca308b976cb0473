"use client";
import { useState } from "react";

/** A configuration snippet with a button that copies it exactly. */
export function CopyBlock({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="relative">
      <pre aria-label={label} tabIndex={0} className="overflow-x-auto rounded-lg bg-slate-950 p-3 pr-20 font-mono text-xs leading-relaxed text-slate-100">
        {text}
      </pre>
      <button
        type="button"
        aria-label={copied ? `Copied the ${label}` : `Copy the ${label}`}
        className="absolute top-2 right-2 rounded-md bg-slate-800 px-2 py-1 text-xs font-medium text-slate-100 hover:bg-slate-700"
        onClick={async () => {
          await navigator.clipboard.writeText(text);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
