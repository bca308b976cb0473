import { benchCrl } from "./crl";
const sizes = process.argv.slice(2).map(Number);
const { markdown } = await benchCrl(sizes.length ? sizes : undefined);
console.log(markdown);
