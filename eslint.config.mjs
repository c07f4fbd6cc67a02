// ESLint flat config. The type-aware rules need the TypeScript program, so they run on the
// TypeScript sources only (through the project service: each file is checked with the tsconfig
// that builds it, e.g. bench/tsconfig.json for the benchmark); the few plain JavaScript files get
// the syntax-only rules.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: ["out/**", "dist/**", ".cache/**", "node_modules/**", ".test-artifacts/**", ".vscode-test/**", "bench-results/**"],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  js.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "import-x": importX },
    settings: {
      // Without these, import-x treats .ts files as foreign and follows no import through them.
      "import-x/extensions": [".ts", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json", ".node"] })],
    },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection, or a silent failure).
      "@typescript-eslint/no-floating-promises": "error",
      // A promise where a boolean or a void callback is expected (if (promise), an async listener).
      "@typescript-eslint/no-misused-promises": "error",
      // Type-only imports are erased: the bundle and the lazy activation load no module for them.
      // Mixed imports are fixed in place (`import { a, type B }`), all-type ones become `import type`.
      // `typeof import("m")` stays allowed: it types a lazy require() (loaded on first use).
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "@typescript-eslint/no-import-type-side-effects": "error",
      // Unused names are tsc's job (noUnusedLocals, noUnusedParameters): one report, not two.
      "@typescript-eslint/no-unused-vars": "off",
      // Cycles make module initialisation order-dependent and blur the layering.
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-self-import": "error",
      "import-x/no-duplicates": "error",
      // A package imported but not in package.json works only while something else pulls it in.
      "import-x/no-extraneous-dependencies": "error",
      // Deprecated APIs (VS Code's, Node's) named in their own types.
      "@typescript-eslint/no-deprecated": "error",
      // An async function without await still turns a throw into a rejection; dropping `async` to
      // please this rule would make such throws synchronous, a worse bug than the one it flags.
      "@typescript-eslint/require-await": "off",
      // Passing on what was caught (typed unknown) unchanged is right; only a made-up non-Error
      // rejection is flagged (the same line only-throw-error draws for throw).
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
      // Per-operation options types (`interface DownloadBlobOptions extends TransferOptions {}`),
      // as in the Azure SDK: a name of its own that can grow without breaking callers.
      "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
      // Cheap checks that catch real mistakes.
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    // What ships (the bundle, the library) uses dependencies only, never a devDependency.
    files: ["src/**/*.ts"],
    rules: { "import-x/no-extraneous-dependencies": ["error", { devDependencies: false }] },
  },
  {
    // Ambient globals are declared with var, as lib.*.d.ts does, so that declarations merge.
    files: ["**/*.d.ts"],
    rules: { "no-var": "off" },
  },
  {
    files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly" },
    },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: { sourceType: "module" },
  },
);
