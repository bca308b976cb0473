"use client";

import { useEffect } from "react";

export const LEAVE_WARNING = "Your private key is only in this page. Leave without saving it, and it is lost: Signet never had it.";

/**
 * While `active`, leaving the page asks first: the browser's own prompt on reload, close or a typed
 * address (beforeunload), and a confirm on in-app links (a capture-phase click handler on the
 * document runs before Next.js's Link handler and can stop it).
 */
export function useUnsavedKeyGuard(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = LEAVE_WARNING;
    };
    const onClick = (e: MouseEvent) => {
      const a = (e.target as Element | null)?.closest?.("a[href]");
      if (!(a instanceof HTMLAnchorElement) || a.hasAttribute("download") || a.target === "_blank") return;
      if (new URL(a.href, location.href).origin !== location.origin) return;
      if (!window.confirm(LEAVE_WARNING)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [active]);
}
