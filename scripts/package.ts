// `npm run package`: the .vsix a user installs. Bundles the extension for
// production (minified, no source map), packs it with @vscode/vsce, then
// checks what went in: only the bundle, media, README, LICENSE and the
// manifest with its strings (.vscodeignore decides; this makes a mistake
// there fail loudly instead of shipping src/ or node_modules/).
//
// Used by the e2e tests and `npm start` too (packageExtension()).
import * as cp from "child_process";
import * as fs from "fs";
import * as path from "path";

export const repoRoot = path.resolve(__dirname, "..", "..");

/** Paths inside the .vsix (under `extension/`) that may ship. */
const ALLOWED: RegExp[] = [
  /^dist\/extension\.js$/,
  /^dist\/azureArm\.js$/,
  /^media\/[^]+$/,
  /^readme\.md$/i,
  /^license(\.txt)?$/i,
  /^package\.json$/,
  /^package\.nls\.json$/,
];
/** vsce's own bookkeeping at the top of the zip. */
const ZIP_METADATA = new Set(["[Content_Types].xml", "extension.vsixmanifest"]);
const REQUIRED = ["dist/extension.js", "dist/azureArm.js", "package.json", "package.nls.json", "readme.md", "media/icon.png"];

export interface PackagedExtension {
  file: string;
  bytes: number;
  /** Paths inside the .vsix, relative to its `extension/` folder. */
  files: string[];
}

function run(command: string, args: string[], quiet = false): string {
  const result = cp.spawnSync(command, args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (!quiet || result.status !== 0) {
    process.stdout.write(result.stdout ?? "");
    process.stderr.write(result.stderr ?? "");
  }
  if (result.error) {
    throw result.error;
  }
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
  }
  return result.stdout;
}

/** Names in a zip, from its central directory (no unzip binary needed). */
export function zipEntries(file: string): string[] {
  const buffer = fs.readFileSync(file);
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 65_557); i--) {
    if (buffer.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new Error(`${file} is not a zip file`);
  }
  const count = buffer.readUInt16LE(eocd + 10);
  let offset = buffer.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(offset) !== 0x02014b50) {
      throw new Error(`${file}: bad central directory entry ${i}`);
    }
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    names.push(buffer.toString("utf8", offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** Throws unless the .vsix holds exactly what users need. */
export function checkContents(entries: string[]): string[] {
  const files: string[] = [];
  const unexpected: string[] = [];
  for (const entry of entries) {
    if (ZIP_METADATA.has(entry) || entry.endsWith("/")) {
      continue;
    }
    if (!entry.startsWith("extension/")) {
      unexpected.push(entry);
      continue;
    }
    const inner = entry.slice("extension/".length);
    files.push(inner);
    if (!ALLOWED.some((pattern) => pattern.test(inner))) {
      unexpected.push(entry);
    }
  }
  const missing = REQUIRED.filter((required) => !files.some((f) => f.toLowerCase() === required.toLowerCase()));
  if (unexpected.length || missing.length) {
    throw new Error(
      `the .vsix holds the wrong files (fix .vscodeignore):` +
        (unexpected.length ? `\n  not for users: ${unexpected.join(", ")}` : "") +
        (missing.length ? `\n  missing: ${missing.join(", ")}` : ""),
    );
  }
  return files;
}

export function formatSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** Bundles for production and writes <name>-<version>.vsix at the repository root. */
export function packageExtension(options: { quiet?: boolean } = {}): PackagedExtension {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { name: string; version: string };
  const file = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
  // A stale source map next to the bundle would describe the old code.
  fs.rmSync(path.join(repoRoot, "dist"), { recursive: true, force: true });
  run(process.execPath, [path.join(repoRoot, "esbuild.js"), "--production"], options.quiet);
  const vsce = path.join(repoRoot, "node_modules", "@vscode", "vsce", "vsce");
  // --no-dependencies: the bundle has them all; without it vsce runs `npm list`
  // and would pack node_modules. --no-rewrite-relative-links: README's
  // screenshot links stay relative, which resolves inside the installed
  // extension (VS Code's extension page); a Marketplace build would pass
  // --baseImagesUrl instead. --allow-missing-repository: package.json has no
  // `repository` yet (no public URL decided); add it before publishing.
  run(
    process.execPath,
    [vsce, "package", "--no-dependencies", "--no-rewrite-relative-links", "--allow-missing-repository", "--out", file],
    options.quiet,
  );
  const files = checkContents(zipEntries(file));
  const bytes = fs.statSync(file).size;
  return { file, bytes, files };
}

if (require.main === module) {
  try {
    const packaged = packageExtension();
    console.log(
      `\n${path.relative(process.cwd(), packaged.file)}: ${formatSize(packaged.bytes)} (${packaged.bytes} bytes), ${packaged.files.length} files:`,
    );
    for (const file of packaged.files.sort()) {
      // vsce stores README.md as readme.md and LICENSE as LICENSE.txt.
      const source = [file, file.replace(/^readme\.md$/, "README.md"), file.replace(/\.txt$/, "")].find((f) =>
        fs.existsSync(path.join(repoRoot, f)),
      );
      const size = source ? formatSize(fs.statSync(path.join(repoRoot, source)).size) : "";
      console.log(`  ${file.padEnd(40)} ${size}`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
