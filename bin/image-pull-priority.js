#!/usr/bin/env node
// Runs the bundled command line that `npm run build` writes to dist/.
import { main } from "../dist/cli.js";

process.exitCode = await main(process.argv.slice(2));
