// Shared by the Grafana unit test and the server's target tests (test/targets-signing.test.ts).
// FORMATS.md §6 in Python, over the unpacked plugin: cleartext body (dash-unescaped) → JSON, then
// plugin/version against plugin.json, every listed hash, no regular file left unlisted.
export const PY_RULES = String.raw`
import hashlib, json, os, sys, zipfile
zip_path, out_dir, key_id = sys.argv[1], sys.argv[2], sys.argv[3]
zipfile.ZipFile(zip_path).extractall(out_dir)
tops = os.listdir(out_dir)
assert len(tops) == 1, tops
root = os.path.join(out_dir, tops[0])
text = open(os.path.join(root, "MANIFEST.txt"), encoding="utf-8").read().split("\n")
assert text[0] == "-----BEGIN PGP SIGNED MESSAGE-----" and text[1] == "Hash: SHA512" and text[2] == "", text[:3]
body = []
for line in text[3:]:
    if line == "-----BEGIN PGP SIGNATURE-----": break
    body.append(line[2:] if line.startswith("- ") else line)
m = json.loads("\n".join(body))
pj = json.load(open(os.path.join(root, "plugin.json")))
problems = []
if m["manifestVersion"] != "2.0.0": problems.append("manifestVersion")
if m["plugin"] != pj["id"] or m["version"] != pj["info"]["version"]: problems.append("id/version")
if m["keyId"] != key_id: problems.append("keyId")
if not isinstance(m["time"], int) or m["time"] < 10**12: problems.append("time is not in ms")
on_disk = set()
for d, _, files in os.walk(root):
    for f in files:
        rel = os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/")
        if rel != "MANIFEST.txt": on_disk.add(rel)
for rel, h in m["files"].items():
    p = os.path.join(root, rel)
    if not os.path.isfile(p): problems.append("missing " + rel); continue
    if hashlib.sha256(open(p, "rb").read()).hexdigest() != h: problems.append("changed " + rel)
for rel in sorted(on_disk - set(m["files"])): problems.append("unlisted " + rel)
print(json.dumps({"problems": problems, "signatureType": m["signatureType"], "rootUrls": m.get("rootUrls"), "files": sorted(m["files"])}))
`;

