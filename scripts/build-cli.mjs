// Bundles the command line into dist/cli.js. Dependencies stay external and
// are resolved from node_modules; the policy module is read at run time from
// build/policy.wasm.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync("package.json", "utf8"));

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
  define: { __VERSION__: JSON.stringify(version) },
});
