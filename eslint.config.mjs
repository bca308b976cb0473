// ESLint for Signet. The parser is Babel's (TypeScript + JSX syntax): typescript-eslint needs TypeScript's JS API,
// which TypeScript 7 (the compiler this project type-checks with, `tsc --noEmit`) no longer ships. Types are tsc's
// job; ESLint keeps the layering rules and the React rules that tsc cannot see.
import path from "node:path";
import babelParser from "@babel/eslint-parser";
import reactHooks from "eslint-plugin-react-hooks";

const root = import.meta.dirname;

/**
 * The layers of docs/architecture (STYLE.md): an import is resolved to a file of the tree and refused when it crosses a
 * boundary the importing file's layer forbids. Package imports are matched by name.
 */
const BOUNDARIES = [
  {
    from: "lib/pki/",
    allowOnly: ["lib/pki/"],
    packages: [/^next(\/|$)/, /^@prisma\//, /^server-only$/, /^react(\/|$)/],
    why: "lib/pki is pure: it imports only lib/pki, never the server, the database or Next",
  },
  {
    from: "app/",
    refuse: ["lib/pki/", "lib/generated/", "lib/db/"],
    packages: [/^@prisma\//, /^pg$/, /^@electric-sql\/pglite/],
    why: "app/ is thin: it calls lib/server workflows, never lib/pki or the database directly",
  },
  {
    from: "components/",
    refuse: ["lib/server/", "lib/generated/", "lib/db/"],
    packages: [/^@prisma\//, /^pg$/],
    why: "components run in the browser: no server workflows or database",
    // A type is erased before the bundle is built: the server's JSON types are the one source of the client's.
    typesAllowed: true,
  },
  {
    from: "lib/client/",
    refuse: ["lib/server/", "lib/generated/", "lib/db/"],
    packages: [/^@prisma\//, /^pg$/],
    why: "lib/client runs in the browser: no server workflows or database",
    typesAllowed: true,
  },
];

const layers = {
  rules: {
    boundaries: {
      meta: { type: "problem", schema: [] },
      create(context) {
        const file = path.relative(root, context.filename).split(path.sep).join("/");
        const rule = BOUNDARIES.find((b) => file.startsWith(b.from));
        if (!rule) return {};
        const check = (node, source) => {
          if (typeof source !== "string") return;
          if (rule.typesAllowed && (node.importKind === "type" || node.exportKind === "type")) return;
          let target;
          if (source.startsWith("@/")) target = source.slice(2);
          else if (source.startsWith(".")) target = path.posix.normalize(path.posix.join(path.posix.dirname(file), source));
          else {
            if (rule.packages.some((p) => p.test(source))) context.report({ node, message: `${source}: ${rule.why}` });
            return;
          }
          const inside = (dir) => target === dir.slice(0, -1) || target.startsWith(dir);
          const refused = rule.allowOnly ? !rule.allowOnly.some(inside) : rule.refuse.some(inside);
          if (refused) context.report({ node, message: `${source}: ${rule.why}` });
        };
        return {
          ImportDeclaration: (node) => check(node, node.source.value),
          ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
          ExportAllDeclaration: (node) => check(node, node.source.value),
          ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value),
        };
      },
    },
  },
};

export default [
  { ignores: ["node_modules/", ".next/", "lib/generated/", "e2e-results/", "bench/.build/", "**/*.d.ts", ".signet/"] },
  {
    files: ["**/*.{ts,tsx,mts,cts,js,mjs,cjs}"],
    languageOptions: {
      parser: babelParser,
      parserOptions: {
        requireConfigFile: false,
        babelOptions: { babelrc: false, configFile: false, presets: [["@babel/preset-typescript", { isTSX: true, allExtensions: true }], ["@babel/preset-react", { runtime: "automatic" }]] },
      },
      ecmaVersion: "latest",
      sourceType: "module",
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { layers, "react-hooks": reactHooks },
    rules: {
      "layers/boundaries": "error",
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // Correctness rules that hold whatever the types are (the rest is tsc's).
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-debugger": "error",
      "no-dupe-keys": "error",
      "no-duplicate-case": "error",
      "no-self-compare": "error",
      "no-unreachable": "error",
      "no-unsafe-finally": "error",
      "no-unsafe-negation": "error",
      "no-cond-assign": ["error", "except-parens"],
      "no-constant-binary-expression": "error",
      "no-template-curly-in-string": "error",
      "no-var": "error",
      "prefer-const": "error",
      "no-throw-literal": "error",
      "no-eval": "error",
      "no-new-func": "error",
    },
  },
];
