"use client";

// The hierarchy as a WAI-ARIA tree (https://www.w3.org/WAI/ARIA/apg/patterns/treeview/): one tab
// stop (roving tabindex), arrows move and open/close, Home/End jump, Enter opens the certificate,
// "*" expands siblings, typing a letter jumps to the next label starting with it. Filtering by text
// and status keeps the ancestors of every match visible.
import { useRouter } from "next/navigation";
import { useMemo, useState, type KeyboardEvent, type ReactNode } from "react";
import type { HierarchyNode } from "@/lib/server/cas/get-hierarchy";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Select, TextInput } from "../ui/field";
import { HierarchyRow } from "./hierarchy-row";

export type StatusFilter = "" | "issued" | "expiring" | "revoked" | "expired";
type Visible = { node: HierarchyNode; level: number; parentId: string | null; posinset: number; setsize: number };

function matchesStatus(n: HierarchyNode, status: StatusFilter): boolean {
  if (!status) return true;
  if (status === "expiring") return n.status === "issued" && n.daysLeft !== null && n.daysLeft <= 30;
  return n.status === status;
}

function matchesText(n: HierarchyNode, needle: string): boolean {
  return !needle || `${n.label} ${n.serial ?? ""} ${n.detail}`.toLowerCase().includes(needle);
}

/** Ids of nodes that match themselves, and of every ancestor of one (those stay visible). */
function visibleIds(roots: HierarchyNode[], needle: string, status: StatusFilter) {
  const matches = new Set<string>();
  const shown = new Set<string>();
  const walk = (n: HierarchyNode): boolean => {
    const self = matchesText(n, needle) && matchesStatus(n, status);
    if (self) matches.add(n.id);
    let below = false;
    for (const c of n.children) below = walk(c) || below;
    if (self || below) shown.add(n.id);
    return self || below;
  };
  roots.forEach(walk);
  return { matches, shown };
}

function allParents(roots: HierarchyNode[]): string[] {
  const out: string[] = [];
  const walk = (n: HierarchyNode) => {
    if (n.children.length) out.push(n.id);
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  return out;
}

export function HierarchyTree({ roots }: { roots: HierarchyNode[] }) {
  const router = useRouter();
  const [text, setText] = useState("");
  const [status, setStatus] = useState<StatusFilter>("");
  const [expanded, setExpanded] = useState(() => new Set(allParents(roots)));
  const [focusedId, setFocusedId] = useState<string | undefined>(roots[0]?.id);
  const needle = text.trim().toLowerCase();
  const filtering = Boolean(needle || status);
  const { matches, shown } = useMemo(() => visibleIds(roots, needle, status), [roots, needle, status]);

  // While filtering, every ancestor of a match is open whatever its saved state.
  const isOpen = (n: HierarchyNode) => n.children.length > 0 && (expanded.has(n.id) || (filtering && n.children.some((c) => shown.has(c.id))));

  // The rows a keyboard user can reach, in screen order (a few hundred at most: cheap to rebuild).
  const visible: Visible[] = [];
  const walk = (nodes: HierarchyNode[], level: number, parentId: string | null) => {
    const siblings = nodes.filter((n) => shown.has(n.id));
    siblings.forEach((n, i) => {
      visible.push({ node: n, level, parentId, posinset: i + 1, setsize: siblings.length });
      if (isOpen(n)) walk(n.children, level + 1, n.id);
    });
  };
  walk(roots, 1, null);

  const total = useMemo(() => {
    const count = (x: HierarchyNode): number => 1 + x.children.reduce((sum, c) => sum + count(c), 0);
    return roots.reduce((sum, r) => sum + count(r), 0);
  }, [roots]);

  const current = visible.find((v) => v.node.id === focusedId) ?? visible[0];

  function focus(id: string | undefined) {
    if (!id) return;
    setFocusedId(id);
    document.getElementById(`tree-${id}`)?.focus();
  }

  function toggle(id: string, open?: boolean) {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (open ?? !next.has(id)) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    if (!current) return;
    const index = visible.indexOf(current);
    const n = current.node;
    const handled = () => {
      e.preventDefault();
      e.stopPropagation();
    };
    switch (e.key) {
      case "ArrowDown":
        handled();
        return focus(visible[Math.min(index + 1, visible.length - 1)]?.node.id);
      case "ArrowUp":
        handled();
        return focus(visible[Math.max(index - 1, 0)]?.node.id);
      case "Home":
        handled();
        return focus(visible[0]?.node.id);
      case "End":
        handled();
        return focus(visible.at(-1)?.node.id);
      case "ArrowRight":
        handled();
        if (!n.children.length) return;
        if (!isOpen(n)) return toggle(n.id, true);
        return focus(visible[index + 1]?.node.id);
      case "ArrowLeft":
        handled();
        if (isOpen(n) && !filtering) return toggle(n.id, false);
        return focus(current.parentId ?? undefined);
      case "Enter":
        handled();
        if (n.href) router.push(n.href);
        return;
      case "*":
        handled();
        visible.filter((v) => v.parentId === current.parentId && v.node.children.length).forEach((v) => toggle(v.node.id, true));
        return;
      default:
        if (e.key.length === 1 && /\S/.test(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey) {
          const key = e.key.toLowerCase();
          const order = [...visible.slice(index + 1), ...visible.slice(0, index)];
          const hit = order.find((v) => v.node.label.toLowerCase().startsWith(key));
          if (hit) {
            handled();
            focus(hit.node.id);
          }
        }
    }
  }

  const byParent = new Map<string | null, Visible[]>();
  for (const v of visible) byParent.set(v.parentId, [...(byParent.get(v.parentId) ?? []), v]);
  const renderLevel = (parentId: string | null): ReactNode =>
    (byParent.get(parentId) ?? []).map((v) => (
      <HierarchyRow
        key={v.node.id}
        item={v}
        open={isOpen(v.node)}
        focused={current?.node.id === v.node.id}
        matched={filtering && matches.has(v.node.id)}
        needle={needle}
        onSelect={() => setFocusedId(v.node.id)}
        onToggle={() => toggle(v.node.id)}
      >
        {isOpen(v.node) ? renderLevel(v.node.id) : null}
      </HierarchyRow>
    ));

  return (
    <Card>
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <div className="w-full sm:w-72">
          <label htmlFor="tree-filter" className="block text-xs font-medium text-slate-600 dark:text-slate-300">Filter</label>
          <TextInput id="tree-filter" type="search" placeholder="Name, plugin id or serial" value={text} onChange={(e) => setText(e.target.value)} className="mt-1" />
        </div>
        <div className="w-full sm:w-48">
          <label htmlFor="tree-status" className="block text-xs font-medium text-slate-600 dark:text-slate-300">Status</label>
          <Select id="tree-status" value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)} className="mt-1">
            <option value="">Any status</option>
            <option value="issued">Valid</option>
            <option value="expiring">Expiring within 30 days</option>
            <option value="revoked">Revoked</option>
            <option value="expired">Expired</option>
          </Select>
        </div>
        <div className="flex gap-2">
          <Button variant="secondary" onClick={() => setExpanded(new Set(allParents(roots)))}>Expand all</Button>
          <Button variant="secondary" onClick={() => setExpanded(new Set())}>Collapse all</Button>
        </div>
      </div>
      <p className="mb-3 text-xs text-slate-500" aria-live="polite" data-testid="tree-summary">
        {filtering ? `${matches.size} of ${total} match` : `${total} certificates`} · use the arrow keys inside the tree, Enter to open
      </p>
      {roots.length === 0 ? (
        <EmptyState title="No Root CA yet">Run setup to create the store&apos;s Root CA.</EmptyState>
      ) : visible.length === 0 ? (
        <EmptyState title="Nothing matches">Clear the filter or choose another status.</EmptyState>
      ) : (
        <ul role="tree" aria-label="Certificate hierarchy" className="text-sm" onKeyDown={onKeyDown}>
          {renderLevel(null)}
        </ul>
      )}
    </Card>
  );
}
