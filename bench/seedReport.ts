// Issue 12's view of a benchmark run: each workload (whole image and seed-style
// per blob, push and pull) against skopeo and against @azure/container-registry
// on the same per-blob workload, with the issue's targets, our peak RSS, and
// how far each result is from its floor (bench/README.md, "Floors"). The
// seed-style pull's floor takes its client minimum from floorSeed (node:https
// writing through the caller's fs.WriteStream) when that client ran.

export type Operation = "push" | "pull";

export interface WorkloadSample {
  client: string;
  operation: Operation;
  seconds: number;
  peakRssMB: number;
  cpuSeconds?: number;
  registryCpuSeconds?: number;
  /** floorClient.ts prints `hashSeconds`, the part of its CPU spent in SHA-256. */
  output?: Record<string, unknown>;
}

/** Issue 12's targets (medians of alternating rounds in one run). */
export const ISSUE_12_TARGETS = {
  seedPullToSkopeo: 0.8,
  seedPushToSkopeo: 0.55,
  pullImageToSkopeo: 0.7,
  pushImageToSkopeo: 0.5,
  seedToAzureSeed: 0.5,
  oursPeakRssMB: 100,
};

interface Row {
  workload: string;
  client: string;
  operation: Operation;
  medianSeconds: number;
  peakRssMB: number;
  medianCpuSeconds: number;
  medianRegistryCpuSeconds: number;
  /** Median over rounds of (registry CPU of that round + the client's minimum) / cores. */
  floorSeconds?: number;
  /** Median over rounds of seconds / that round's floor. */
  timesFloor?: number;
  toSkopeo?: number;
  toAzureSeed?: number;
  target?: { toSkopeo?: number; toAzureSeed?: number };
  /** Seconds the strictest of the row's targets allows (target ratio × the peer's median). */
  targetSeconds?: number;
  /**
   * Median over rounds of (this client's own CPU-s + the registry's) / cores: the run's
   * time had both cores been busy all along with the work it did. A target below it
   * needs less CPU, not only better overlap.
   */
  fullUseSeconds?: number;
}

/**
 * `givenDigests`: the push knows every digest beforehand (an OCI layout's manifest) and the
 * registry verifies them, so hashing is not part of its minimum; a client given a stream
 * must hash it, and every pull must verify what it receives.
 * `writesThroughCaller`: the pull writes through the caller's own `fs.WriteStream` (page
 * cache), which no library can avoid, so its minimum is floorSeed's (when it ran).
 */
const WORKLOADS: { client: string; name: (op: Operation) => string; givenDigests?: boolean; writesThroughCaller?: boolean }[] = [
  { client: "ours", name: (op) => (op === "pull" ? "pullImage" : "pushImage"), givenDigests: true },
  { client: "seed", name: (op) => `per-blob ${op}, seed style (this library)`, writesThroughCaller: true },
  { client: "azureSeed", name: (op) => `per-blob ${op}, seed style (@azure/container-registry)` },
  { client: "skopeo", name: () => "skopeo --preserve-digests", givenDigests: true },
  { client: "azure", name: () => "@azure/container-registry, one blob at a time" },
  { client: "floor", name: () => "node:https alone (the client's minimum)" },
  {
    client: "floorSeed",
    name: (op) => (op === "pull" ? "node:https alone, written through fs.createWriteStream" : "node:https alone (as floor)"),
    writesThroughCaller: true,
  },
];

function median(values: number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) {
    return NaN;
  }
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

function fmt(n: number | undefined, digits = 2): string {
  return n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(digits);
}

function mark(value: number | undefined, target: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) {
    return "–";
  }
  return target === undefined ? fmt(value) : `${fmt(value)} (≤ ${target}${value <= target ? "" : " ✗"})`;
}

export function seedStyleReport(samples: WorkloadSample[], cpus: number): { lines: string[]; rows: Row[] } {
  const rows: Row[] = [];
  for (const operation of ["push", "pull"] as Operation[]) {
    const of = (client: string) => samples.filter((s) => s.client === client && s.operation === operation);
    const clientMinimum = median(of("floor").map((s) => s.cpuSeconds ?? NaN));
    const hashing = median(of("floor").map((s) => Number(s.output?.hashSeconds ?? NaN)));
    const callerWritesMinimum = operation === "pull" ? median(of("floorSeed").map((s) => s.cpuSeconds ?? NaN)) : NaN;
    const medianOf = (client: string) => median(of(client).map((s) => s.seconds));
    for (const workload of WORKLOADS) {
      const taken = of(workload.client);
      if (taken.length === 0) {
        continue;
      }
      const minimum =
        operation === "push" && workload.givenDigests
          ? clientMinimum - hashing
          : workload.writesThroughCaller && Number.isFinite(callerWritesMinimum)
            ? callerWritesMinimum
            : clientMinimum;
      const floors = taken.map((s) => ((s.registryCpuSeconds ?? NaN) + minimum) / cpus);
      const row: Row = {
        workload: workload.name(operation),
        client: workload.client,
        operation,
        medianSeconds: medianOf(workload.client),
        peakRssMB: Math.max(...taken.map((s) => s.peakRssMB)),
        medianCpuSeconds: median(taken.map((s) => s.cpuSeconds ?? NaN)),
        medianRegistryCpuSeconds: median(taken.map((s) => s.registryCpuSeconds ?? NaN)),
        floorSeconds: median(floors),
        timesFloor: median(taken.map((s, i) => s.seconds / floors[i])),
        fullUseSeconds: median(taken.map((s) => ((s.cpuSeconds ?? NaN) + (s.registryCpuSeconds ?? NaN)) / cpus)),
      };
      if (workload.client === "floorSeed" && operation === "pull") {
        // Whether a Node client writing through the caller's stream can meet the seed pull's targets at all.
        row.toSkopeo = row.medianSeconds / medianOf("skopeo");
        row.toAzureSeed = row.medianSeconds / medianOf("azureSeed");
        row.target = { toSkopeo: ISSUE_12_TARGETS.seedPullToSkopeo, toAzureSeed: ISSUE_12_TARGETS.seedToAzureSeed };
      }
      if (workload.client === "ours" || workload.client === "seed") {
        row.toSkopeo = row.medianSeconds / medianOf("skopeo");
        row.toAzureSeed = row.medianSeconds / medianOf("azureSeed");
        const t = ISSUE_12_TARGETS;
        row.target =
          workload.client === "seed"
            ? { toSkopeo: operation === "pull" ? t.seedPullToSkopeo : t.seedPushToSkopeo, toAzureSeed: t.seedToAzureSeed }
            : { toSkopeo: operation === "pull" ? t.pullImageToSkopeo : t.pushImageToSkopeo };
        const allowed = [(row.target.toSkopeo ?? NaN) * medianOf("skopeo"), (row.target.toAzureSeed ?? NaN) * medianOf("azureSeed")].filter(
          Number.isFinite,
        );
        row.targetSeconds = allowed.length ? Math.min(...allowed) : undefined;
      }
      rows.push(row);
    }
  }
  const lines: string[] = [];
  lines.push(
    "Issue 12 workloads (medians of the same alternating rounds; floor = (registry CPU-s of the round + the client's minimum CPU-s) / cores; " +
      "the minimum leaves out hashing for pushes given their digests: pushImage, skopeo; " +
      "the seed-style pull's minimum is floorSeed's (writing through fs.createWriteStream) when it ran; " +
      "full use = (the client's own CPU-s + the registry's) / cores, the time with both cores busy all along; " +
      "target (s) = the strictest target ratio × its peer's median)",
  );
  lines.push("");
  lines.push(
    "| workload | op | median (s) | ÷ skopeo (target) | ÷ azure per-blob (target) | peak RSS (MB) | client CPU-s | registry CPU-s | floor (s) | ÷ floor | full use (s) | target (s) | target ÷ floor |",
  );
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    lines.push(
      `| ${row.workload} | ${row.operation} | ${fmt(row.medianSeconds)} | ${mark(row.toSkopeo, row.target?.toSkopeo)} | ${mark(row.toAzureSeed, row.target?.toAzureSeed)} | ${fmt(row.peakRssMB, 0)} | ${fmt(row.medianCpuSeconds)} | ${fmt(row.medianRegistryCpuSeconds)} | ${fmt(row.floorSeconds)} | ${fmt(row.timesFloor)} | ${fmt(row.fullUseSeconds)} | ${fmt(row.targetSeconds)} | ${fmt(row.targetSeconds === undefined || row.floorSeconds === undefined ? undefined : row.targetSeconds / row.floorSeconds)} |`,
    );
  }
  const ours = rows.filter((r) => r.client === "ours" || r.client === "seed");
  if (ours.length) {
    const peak = Math.max(...ours.map((r) => r.peakRssMB));
    const limit = ISSUE_12_TARGETS.oursPeakRssMB;
    lines.push("");
    lines.push(`our peak RSS over these workloads: ${fmt(peak, 0)} MB (target ≤ ${limit}${peak <= limit ? "" : " ✗"})`);
  }
  if (!samples.some((s) => s.client === "floor")) {
    lines.push("floors: not computed (add floor to BENCH_CLIENTS)");
  }
  return { lines, rows };
}
