"use client";

import Link from "next/link";
import { useState } from "react";
import type { HierarchyNode } from "@/lib/server/cas/get-hierarchy";
import { Badge, statusTone } from "../ui/badge";
import { Card } from "../ui/card";
import { TextInput } from "../ui/field";

function matches(node: HierarchyNode, needle: string): boolean {
  return !needle || `${node.label} ${node.serial ?? ""}`.toLowerCase().includes(needle) || node.children.some((c) => matches(c, needle));
}

function Branch({ node, needle, depth }: { node: HierarchyNode; needle: string; depth: number }) {
  const [open, setOpen] = useState(depth < 2);
  if (!matches(node, needle)) return null;
  const expanded = open || Boolean(needle);
  return (
    <li role="treeitem" aria-expanded={node.children.length ? expanded : undefined} aria-selected={false}>
      <div className="flex items-center gap-2 py-1.5">
        {node.children.length ? (
          <button onClick={() => setOpen(!open)} aria-label={expanded ? `Collapse ${node.label}` : `Expand ${node.label}`} className="w-5 text-slate-500">
            {expanded ? "▾" : "▸"}
          </button>
        ) : (
          <span className="w-5" />
        )}
        {node.href ? <Link href={node.href} className="font-medium text-brand-600 hover:underline">{node.label}</Link> : <span className="font-medium">{node.label}</span>}
        <span className="text-xs text-slate-500">{node.detail}</span>
        <Badge tone={statusTone(node.status)}>{node.status}</Badge>
      </div>
      {expanded && node.children.length ? (
        <ul role="group" className="ml-2.5 border-l border-slate-200 pl-4 dark:border-slate-700">
          {node.children.map((c) => <Branch key={c.id} node={c} needle={needle} depth={depth + 1} />)}
        </ul>
      ) : null}
    </li>
  );
}

export function HierarchyTree({ roots }: { roots: HierarchyNode[] }) {
  const [filter, setFilter] = useState("");
  const needle = filter.trim().toLowerCase();
  return (
    <Card>
      <TextInput aria-label="Filter the hierarchy" placeholder="Filter by name or serial" value={filter} onChange={(e) => setFilter(e.target.value)} className="mb-4 max-w-sm" />
      {roots.length === 0 ? <p className="text-sm text-slate-500">No Root CA yet.</p> : <ul role="tree" aria-label="Certificate hierarchy" className="text-sm">{roots.map((r) => <Branch key={r.id} node={r} needle={needle} depth={0} />)}</ul>}
    </Card>
  );
}
