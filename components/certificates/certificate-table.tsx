"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { useCertificates } from "@/lib/client/hooks";
import type { CertificateItem } from "@/lib/client/types";
import { Badge, statusTone } from "../ui/badge";
import { Card } from "../ui/card";
import { Select, TextInput } from "../ui/field";

type SortKey = "subject" | "notAfter" | "status" | "kind";

export function CertificateTable({ filter = {} }: { filter?: Record<string, string> }) {
  const [kind, setKind] = useState("");
  const [status, setStatus] = useState("");
  const [text, setText] = useState("");
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: "notAfter", dir: 1 });
  const { data, isLoading, error } = useCertificates({ ...filter, kind, status });

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const filtered = (data ?? []).filter((c) => !needle || `${c.subject} ${c.serial} ${c.pluginId ?? ""}`.toLowerCase().includes(needle));
    return [...filtered].sort((a, b) => (a[sort.key] ?? "").localeCompare(b[sort.key] ?? "") * sort.dir);
  }, [data, text, sort]);

  const header = (key: SortKey, label: string) => (
    <th className="py-2 pr-4" aria-sort={sort.key === key ? (sort.dir === 1 ? "ascending" : "descending") : "none"}>
      <button className="uppercase hover:text-slate-800" onClick={() => setSort((s) => ({ key, dir: s.key === key ? (s.dir === 1 ? -1 : 1) : 1 }))}>
        {label}
        {sort.key === key ? (sort.dir === 1 ? " ↑" : " ↓") : ""}
      </button>
    </th>
  );

  function exportAs(format: "csv" | "json") {
    const body =
      format === "json"
        ? JSON.stringify(rows, null, 2)
        : [["serial", "kind", "subject", "org", "pluginId", "notBefore", "notAfter", "status"].join(","), ...rows.map((c: CertificateItem) => [c.serial, c.kind, c.subject, c.orgSlug ?? "", c.pluginId ?? "", c.notBefore, c.notAfter, c.status].map((v) => `"${String(v).replace(/"/g, '""')}"`).join(","))].join("\n");
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([body], { type: format === "json" ? "application/json" : "text/csv" }));
    a.download = `certificates.${format}`;
    a.click();
  }

  return (
    <Card>
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <label className="text-xs text-slate-500">
          Search
          <TextInput aria-label="Search certificates" value={text} onChange={(e) => setText(e.target.value)} placeholder="subject, serial, plugin id" className="mt-1 w-60" />
        </label>
        <label className="text-xs text-slate-500">
          Kind
          <Select aria-label="Kind" value={kind} onChange={(e) => setKind(e.target.value)} className="mt-1">
            <option value="">All</option>
            <option value="org-ca">Organization CA</option>
            <option value="plugin">Plugin</option>
            <option value="root-ca">Root CA</option>
          </Select>
        </label>
        <label className="text-xs text-slate-500">
          Status
          <Select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)} className="mt-1">
            <option value="">All</option>
            <option value="issued">Valid</option>
            <option value="revoked">Revoked</option>
            <option value="expired">Expired</option>
          </Select>
        </label>
        <div className="ml-auto flex gap-2 text-sm">
          <button className="font-medium text-brand-600 hover:underline" onClick={() => exportAs("csv")}>Export CSV</button>
          <button className="font-medium text-brand-600 hover:underline" onClick={() => exportAs("json")}>Export JSON</button>
        </div>
      </div>
      {isLoading ? <p className="text-sm text-slate-500">Loading…</p> : null}
      {error ? <p className="text-sm text-red-600">{error.message}</p> : null}
      {data && rows.length === 0 ? <p className="py-6 text-center text-sm text-slate-500">No certificates match.</p> : null}
      {rows.length ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-500">
              <tr>{header("subject", "Subject")}{header("kind", "Kind")}{header("status", "Status")}{header("notAfter", "Expires")}<th className="py-2 uppercase">Serial</th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {rows.map((c) => (
                <tr key={c.id}>
                  <td className="py-2 pr-4"><Link className="font-medium text-brand-600 hover:underline" href={`/certificates/${c.serial}`}>{c.subject}</Link></td>
                  <td className="py-2 pr-4">{c.kind}</td>
                  <td className="py-2 pr-4"><Badge tone={statusTone(c.status)}>{c.status}</Badge></td>
                  <td className="py-2 pr-4 whitespace-nowrap">{new Date(c.notAfter).toLocaleDateString()}</td>
                  <td className="py-2 font-mono text-xs">{c.serial.slice(0, 16)}…</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}
