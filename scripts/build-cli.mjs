// Bundles the command line into dist/cli.js. Dependencies stay external and
// are resolved from node_modules; the policy module is read at run time from
// build/policy.wasm.
import { build } from "esbuild";

await build({
  entryPoints: ["host/cli/main.ts"],
  outfile: "dist/cli.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
