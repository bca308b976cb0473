import { benchSignArchive } from "./sign-archive";
const [entries, entrySize] = process.argv.slice(2).map(Number);
const { markdown } = await benchSignArchive({ entries: entries || undefined, entrySize: entrySize || undefined });
console.log(markdown);
