"use client";
import { useState } from "react";

/** A configuration snippet under a title bar whose button copies it exactly. */
export function CopyBlock({ text, label, title }: { text: string; label: string; title?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="overflow-hidden rounded-lg bg-slate-950">
      <div className="flex items-center justify-between gap-2 border-b border-slate-800 px-3 py-1.5">
        <span className="font-mono text-xs text-slate-300">{title}</span>
        <button
          type="button"
          aria-label={copied ? `Copied the ${label}` : `Copy the ${label}`}
          className="rounded-md bg-slate-800 px-2 py-1 text-xs font-medium text-slate-100 hover:bg-slate-700"
          onClick={async () => {
            await navigator.clipboard.writeText(text);
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <pre aria-label={label} tabIndex={0} className="overflow-x-auto p-3 font-mono text-xs leading-relaxed text-slate-100">
        {text}
      </pre>
    </div>
  );
}
