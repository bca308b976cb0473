"use client";

// Light, dark, or follow the system (prefers-color-scheme). The choice is kept in localStorage and
// applied before first paint by the script in app/layout.tsx, so pages never flash the wrong theme.
import { useEffect, useState } from "react";

export const THEME_STORAGE_KEY = "signet-theme";
type Theme = "system" | "light" | "dark";
const ORDER: Theme[] = ["system", "light", "dark"];
const LABEL: Record<Theme, string> = { system: "System theme", light: "Light theme", dark: "Dark theme" };
const ICON: Record<Theme, string> = { system: "◐", light: "☀", dark: "☾" };

function apply(theme: Theme) {
  const dark = theme === "dark" || (theme === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
  document.documentElement.classList.toggle("light", !dark);
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>("system");

  useEffect(() => {
    const stored = localStorage.getItem(THEME_STORAGE_KEY);
    // localStorage exists only in the browser, after hydration.
    if (stored === "light" || stored === "dark") setTheme(stored);
  }, []);

  useEffect(() => {
    if (theme !== "system") return;
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    const follow = () => apply("system");
    media.addEventListener("change", follow);
    return () => media.removeEventListener("change", follow);
  }, [theme]);

  function cycle() {
    const next = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
    setTheme(next);
    if (next === "system") localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, next);
    apply(next);
  }

  return (
    <button
      type="button"
      onClick={cycle}
      title={`${LABEL[theme]} (click to change)`}
      aria-label={`${LABEL[theme]}: switch theme`}
      className="inline-flex h-9 w-9 items-center justify-center rounded-md text-lg text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600 dark:text-slate-300 dark:hover:bg-slate-800"
    >
      <span aria-hidden>{ICON[theme]}</span>
    </button>
  );
}
