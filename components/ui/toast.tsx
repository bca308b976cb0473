"use client";

// Short confirmations after an action ("Token revoked"), announced to screen readers through one
// polite live region. Errors that need reading stay in an Alert beside the form instead.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";

type Tone = "success" | "error" | "info";
type Toast = { id: number; tone: Tone; message: string };
type Notify = (message: string, tone?: Tone) => void;

const ToastContext = createContext<Notify>(() => {});

const TONES: Record<Tone, string> = {
  success: "bg-emerald-700 text-white dark:bg-emerald-600",
  error: "bg-red-700 text-white dark:bg-red-600",
  info: "bg-slate-800 text-white dark:bg-slate-700",
};

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const notify = useCallback<Notify>(
    (message, tone = "success") => {
      const id = next.current++;
      setToasts((all) => [...all.slice(-3), { id, tone, message }]);
      setTimeout(() => dismiss(id), tone === "error" ? 8000 : 4500);
    },
    [dismiss],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div aria-live="polite" role="status" className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4 sm:items-end sm:px-6">
        {toasts.map((t) => (
          <div key={t.id} data-testid="toast" className={`pointer-events-auto flex max-w-sm items-start gap-3 rounded-lg px-4 py-3 text-sm shadow-lg ${TONES[t.tone]}`}>
            <span className="flex-1">{t.message}</span>
            <button type="button" onClick={() => dismiss(t.id)} className="-my-0.5 rounded px-1 opacity-80 hover:opacity-100 focus-visible:outline-2 focus-visible:outline-white" aria-label="Dismiss">
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Notify {
  return useContext(ToastContext);
}
