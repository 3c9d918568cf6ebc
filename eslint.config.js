// ESLint flat config. Why these rules: docs/architecture.md, "Lint and format".
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // Generated code (proto/gen) and build output are not ours to lint.
  { ignores: ["dist/**", "proto/gen/**", "node_modules/**", "data/**", ".test-data/**", ".scratch/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.js", "**/*.mjs"],
    // Node scripts: the few Node globals they use.
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
  {
    files: ["**/*.ts"],
    languageOptions: {
      // Type-aware, for the promise rules below: one TypeScript program over tsconfig.test.json,
      // which covers every .ts file linted (components, cli, test, bench, scripts).
      parserOptions: { project: "./tsconfig.test.json", tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection ends the process)
      // and its ordering; in a test it is an assertion that never runs.
      "@typescript-eslint/no-floating-promises": "error",
      // checksVoidReturn off: async handlers passed where a void callback is expected (Koa
      // middleware, event emitters, timers) are the norm here and each catches its own errors.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/await-thenable": "error",
      // Type-only imports marked as such: they are erased at runtime, and the architecture test's
      // cycle check reads `import type` to know which imports do not run.
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "separate-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // The protocol matches control characters on purpose (canonical JSON, identifier grammar,
      // X-Matrix header parsing), always as \x escapes; the rule cannot tell those from typos.
      "no-control-regex": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    // Tests walk parsed JSON and YAML (responses, manifests) whose shape the assertions check;
    // `any` is the honest type there. Production code types what it reads.
    files: ["test/**/*.ts", "testing/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
