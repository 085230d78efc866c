// Generate TypeScript types from the OpenAPI files in openapi/ (written by
// scripts/dump_openapi.py) into src/api/generated/<service>.ts with openapi-typescript.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const input = join(web, "openapi");
const output = join(web, "src", "api", "generated");
const bin = join(web, "node_modules", ".bin", "openapi-typescript");

const files = existsSync(input) ? readdirSync(input).filter((f) => f.endsWith(".json")).sort() : [];
if (files.length === 0) {
  console.error("no OpenAPI files: run `python services/web/scripts/dump_openapi.py` first");
  process.exit(1);
}
mkdirSync(output, { recursive: true });
for (const file of files) {
  const target = join(output, file.replace(/\.json$/, ".ts"));
  execFileSync(bin, [join(input, file), "--output", target, "--alphabetize"], { stdio: "inherit" });
}
