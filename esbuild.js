// Bundles the extension (and the client library it imports) into one file,
// so the .vsix ships no node_modules. `vscode` is provided by the host.
//
// The Azure group's ARM libraries go into a second bundle, dist/azureArm.js,
// loaded on first use: armAccess.ts imports "./arm/armApi" dynamically, and
// the plugin below turns that import into a require of ./azureArm.js at run
// time, so activation never reads the ARM SDKs.
const esbuild = require("esbuild");

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

const ARM_ENTRY = "src/extension/azure/arm/armApi.ts";

/** `import("./arm/armApi")` from the extension bundle -> `require("./azureArm.js")` (beside dist/extension.js). */
const armChunk = {
  name: "arm-chunk",
  setup(build) {
    build.onResolve({ filter: /^\.\/arm\/armApi$/ }, (args) =>
      args.kind === "dynamic-import" ? { path: "./azureArm.js", external: true } : undefined,
    );
  },
};

const common = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external: ["vscode"],
  sourcemap: !production,
  minify: production,
  logLevel: "info",
};

async function main() {
  const contexts = await Promise.all([
    // `supported`: the import becomes a plain require, which VS Code's extension host resolves like the bundle itself.
    esbuild.context({
      ...common,
      entryPoints: ["src/extension/extension.ts"],
      outfile: "dist/extension.js",
      plugins: [armChunk],
      supported: { "dynamic-import": false },
    }),
    esbuild.context({ ...common, entryPoints: [ARM_ENTRY], outfile: "dist/azureArm.js" }),
  ]);
  if (watch) {
    await Promise.all(contexts.map((context) => context.watch()));
  } else {
    await Promise.all(contexts.map((context) => context.rebuild()));
    await Promise.all(contexts.map((context) => context.dispose()));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
