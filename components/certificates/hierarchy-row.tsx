"use client";

// One treeitem of the hierarchy. Only the focused row is in the tab order (roving tabindex); the
// link inside is for pointer users, the keyboard opens it with Enter on the row.
import Link from "next/link";
import type { ReactNode } from "react";
import type { HierarchyNode } from "@/lib/server/cas/get-hierarchy";
import { Badge, statusTone } from "../ui/badge";

type Item = { node: HierarchyNode; level: number; posinset: number; setsize: number };

function Highlight({ text, needle }: { text: string; needle: string }) {
  const at = needle ? text.toLowerCase().indexOf(needle) : -1;
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <mark className="rounded-sm bg-amber-200 text-inherit dark:bg-amber-700/60">{text.slice(at, at + needle.length)}</mark>
      {text.slice(at + needle.length)}
    </>
  );
}

const KIND_ICON = { root: "◆", org: "◇", plugin: "•" } as const;

export function HierarchyRow({ item, open, focused, matched, needle, onSelect, onToggle, children }: {
  item: Item;
  open: boolean;
  focused: boolean;
  matched: boolean;
  needle: string;
  onSelect: () => void;
  onToggle: () => void;
  children: ReactNode;
}) {
  const { node, level, posinset, setsize } = item;
  const hasChildren = node.children.length > 0;
  const plugins = node.children.filter((c) => c.kind === "plugin").length;
  const orgs = node.children.filter((c) => c.kind === "org").length;
  const counts = [orgs ? `${orgs} org CA${orgs === 1 ? "" : "s"}` : "", plugins ? `${plugins} plugin${plugins === 1 ? "" : "s"}` : ""].filter(Boolean).join(" · ");
  return (
    <li
      id={`tree-${node.id}`}
      role="treeitem"
      aria-level={level}
      aria-posinset={posinset}
      aria-setsize={setsize}
      aria-expanded={hasChildren ? open : undefined}
      aria-selected={focused}
      tabIndex={focused ? 0 : -1}
      onFocus={(e) => {
        if (e.target === e.currentTarget) onSelect();
      }}
      className="group/item outline-none"
    >
      <div
        onClick={(e) => {
          e.currentTarget.closest<HTMLElement>("[role=treeitem]")?.focus();
          onSelect();
        }}
        className={`flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1 rounded-md px-1.5 py-1.5 ${focused ? "bg-brand-50 group-focus-visible/item:ring-2 group-focus-visible/item:ring-brand-600 dark:bg-brand-900/60" : "hover:bg-slate-50 dark:hover:bg-slate-800/60"}`}
      >
        {hasChildren ? (
          <span
            aria-hidden
            onClick={(e) => {
              e.stopPropagation();
              onToggle();
            }}
            className="inline-flex w-5 cursor-pointer justify-center text-slate-500 select-none"
          >
            {open ? "▾" : "▸"}
          </span>
        ) : (
          <span aria-hidden className="w-5" />
        )}
        <span aria-hidden className="text-brand-600 dark:text-brand-300">{KIND_ICON[node.kind]}</span>
        {node.href ? (
          <Link href={node.href} tabIndex={-1} className={`font-medium wrap-anywhere text-brand-700 hover:underline dark:text-brand-300 ${matched ? "underline decoration-amber-400 decoration-2" : ""}`}>
            <Highlight text={node.label} needle={needle} />
          </Link>
        ) : (
          <span className="font-medium"><Highlight text={node.label} needle={needle} /></span>
        )}
        <span className="text-xs text-slate-600 dark:text-slate-400">{node.detail}{counts ? ` · ${counts}` : ""}</span>
        <Badge tone={statusTone(node.status)}>{node.status}</Badge>
        {node.status === "issued" && node.daysLeft !== null && node.daysLeft <= 30 ? <Badge tone="amber">expires in {node.daysLeft} d</Badge> : null}
      </div>
      {hasChildren && open ? (
        <ul role="group" className="ml-3.5 border-l border-slate-200 pl-3 dark:border-slate-700">
          {children}
        </ul>
      ) : null}
    </li>
  );
}
