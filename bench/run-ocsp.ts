import { benchOcsp } from "./ocsp";
console.log((await benchOcsp()).markdown);
