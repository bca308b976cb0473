// The data dir holds the embedded database (live session tokens sit in its WAL), the master key file
// and uploaded archives: only the server's own user may read any of it. PGlite unpacks its initial
// cluster with chmod 0666/0777 (Emscripten's NODEFS keeps the modes of its in-memory image, and chmod
// ignores the umask), so the modes are set here explicitly rather than left to the umask. Files
// PostgreSQL creates afterwards get pg_file_create_mode (0600) by itself; ours are opened with 0600.
import fs from "node:fs";
import path from "node:path";

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Creates the data dir if needed and makes it, and everything in it, private (dirs 0700, files 0600). */
export function secureDataDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  tighten(dataDir);
}

function tighten(target: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return; // removed meanwhile (an upload finishing, a WAL segment recycled)
  }
  // Symlinks are neither followed nor changed: chmod would act on whatever they point to.
  if (stat.isSymbolicLink()) return;
  const want = stat.isDirectory() ? DIR_MODE : FILE_MODE;
  if ((stat.mode & 0o777) !== want) {
    try {
      fs.chmodSync(target, want);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  if (!stat.isDirectory()) return;
  let names: string[] = [];
  try {
    names = fs.readdirSync(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  for (const name of names) tighten(path.join(target, name));
}
