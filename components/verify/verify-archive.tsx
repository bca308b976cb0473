"use client";

import { useState, type DragEvent, type FormEvent } from "react";
import { uploadWithProgress, type UploadProgress, type VerificationReport } from "@/lib/client/artifacts";
import { describedBy } from "@/lib/client/field-errors";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { ProgressBar } from "../ui/progress-bar";
import { VerificationResult } from "./verification-result";

export function VerifyArchive() {
  const [archive, setArchive] = useState<File>();
  const [signature, setSignature] = useState<File>();
  const [storeSignature, setStoreSignature] = useState<File>();
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<UploadProgress>();
  const [pending, setPending] = useState(false);
  const [report, setReport] = useState<VerificationReport>();
  const [error, setError] = useState<string>();

  async function verify(file: File, p7s?: File, sig: File | undefined = storeSignature) {
    setError(undefined);
    setReport(undefined);
    setPending(true);
    setProgress({ loaded: 0, total: file.size });
    try {
      let body: Blob | FormData = file;
      if (p7s || sig) {
        body = new FormData();
        body.set("file", file, file.name);
        if (p7s) body.set("signature", p7s, p7s.name);
        // Mattermost's detached OpenPGP signature beside its .tar.gz.
        if (sig) body.set("storeSignature", sig, sig.name);
      }
      setReport(await uploadWithProgress<VerificationReport>("/api/v1/verify", body, setProgress));
    } catch (err) {
      setError(err instanceof Error ? err.message : "Verification failed");
    } finally {
      setPending(false);
    }
  }

  function onDrop(e: DragEvent<HTMLLabelElement>) {
    e.preventDefault();
    setDragging(false);
    const files = [...e.dataTransfer.files];
    const jpl = files.find((f) => !f.name.endsWith(".p7s") && !f.name.endsWith(".sig"));
    const p7s = files.find((f) => f.name.endsWith(".p7s"));
    const sig = files.find((f) => f.name.endsWith(".sig"));
    if (p7s) setSignature(p7s);
    if (sig) setStoreSignature(sig);
    if (jpl) {
      setArchive(jpl);
      void verify(jpl, p7s ?? signature, sig ?? storeSignature);
    }
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (archive) void verify(archive, signature);
  }

  const percent = progress && progress.total > 0 ? (progress.loaded / progress.total) * 100 : 0;

  return (
    <div className="space-y-6">
      <Card>
        <form onSubmit={onSubmit} className="space-y-4" aria-label="Verify a plugin archive">
          <label
            htmlFor="verify-file"
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            className={`flex cursor-pointer flex-col items-center justify-center rounded-lg border-2 border-dashed px-6 py-10 text-center text-sm ${dragging ? "border-brand-600 bg-brand-50 dark:bg-brand-900" : "border-slate-300 dark:border-slate-700"}`}
          >
            <span className="font-semibold">Drop a signed plugin archive here</span>
            <span className="mt-1 text-slate-500">or click to choose a .jpl, a Grafana plugin .zip or a Mattermost .tar.gz (signatures optionally, below)</span>
            {archive ? <span className="mt-2 font-mono text-xs">{archive.name}</span> : null}
          </label>
          <input
            id="verify-file"
            aria-label="Signed plugin archive"
            {...describedBy("verify-error", error)}
            type="file"
            accept=".jpl,.zip,.tar.gz,.tgz,.difypkg,.mender,application/zip,application/gzip"
            className="sr-only"
            onChange={(e) => {
              const file = e.target.files?.[0];
              setArchive(file);
              if (file) void verify(file, signature);
            }}
          />
          <div className="flex flex-wrap items-end gap-4">
            <label className="text-sm">
              <span className="block font-medium">Detached signature (.p7s, optional)</span>
              <input type="file" accept=".p7s" className="mt-1 block text-sm" onChange={(e) => setSignature(e.target.files?.[0])} />
            </label>
            <label className="text-sm">
              <span className="block font-medium">Mattermost signature (.sig)</span>
              <input type="file" accept=".sig" className="mt-1 block text-sm" onChange={(e) => setStoreSignature(e.target.files?.[0])} />
            </label>
            <Button type="submit" disabled={!archive || pending}>{pending ? "Verifying…" : report || error ? "Verify again" : "Verify"}</Button>
          </div>
          {progress && pending ? <ProgressBar value={percent} label="Upload progress">{percent >= 100 ? "Checking signatures…" : `Uploading… ${Math.floor(percent)}%`}</ProgressBar> : null}
        </form>
      </Card>
      {error ? <Alert id="verify-error">{error}</Alert> : null}
      {report ? <VerificationResult report={report} /> : null}
    </div>
  );
}
