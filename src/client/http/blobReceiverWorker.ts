// The receiving side of a blob GET, run inside the writer thread
// (layout/blobWriterWorker.ts): the thread opens its own connection to an
// already authorised URL, receives the body (TLS decryption, HTTP parsing,
// one callback per TLS record), and hands the bytes to the writer in the same
// thread, which hashes and writes them. The main thread no longer touches a
// blob's bytes at all: receiving them was what bound a pull to one core
// (bench/README.md, "Issue 12").
//
// The rules are those of the main-thread path (registry/resumableDownload.ts):
// - a broken or quiet connection, or a short body, is resumed with
//   `Range: bytes=<n>-` (RFC 9110 section 14.2) from the registry URL again
//   (a 307 to storage is followed anew: signed URLs expire); 206 must start
//   at or before n, 200 means the whole blob again (its first n bytes are
//   skipped), 416 with every byte delivered means nothing was missing;
// - more bytes than the blob has fail the blob at once;
// - 5xx and 429 are retried like a broken connection, other statuses fail;
// - redirects and 401s are the main thread's decision: it says where a
//   Location may go and with which Authorization (foreignOrigin.ts), and
//   gives a fresh header after a 401, once.
// Each byte reaches the writer exactly once, so its digest covers the whole
// blob across resumes.
//
// This function runs from its source text (see layout/hashingWriterPool.ts),
// so it uses nothing from outside its own body but Node's built-in modules.

/** Messages from the main thread to a receiving thread. */
export type ToReceiver =
  | {
      type: "recv";
      id: number;
      path: string;
      algorithm: string;
      url: string;
      authorization?: string;
      size: number;
      ca?: string;
      userAgent: string;
      timeoutMs: number;
      maxResumes: number;
      maxRedirects: number;
      retry: { maxRetries: number; initialDelayMs: number; maxDelayMs: number };
    }
  | { type: "recvFollow"; id: number; url: string; authorization?: string }
  | { type: "recvAuth"; id: number; authorization?: string }
  | { type: "recvAbort"; id: number };

/** What the writer reports about a file (layout/blobWriterWorker.ts). */
export interface WriterEvent {
  type: "ack" | "done" | "aborted" | "error";
  digest?: string;
  direct?: boolean;
  message?: string;
  code?: string;
}

/** What the writer thread offers the receiver. */
export interface ReceiverHost {
  /** To the main thread. */
  post(message: unknown): void;
  open(id: number, path: string, algorithm: string, onEvent: (event: WriterEvent) => void): void;
  /** The parts move to the writer (it frees them once hashed and stored). */
  write(id: number, parts: ArrayBuffer[]): void;
  end(id: number): void;
  abort(id: number): void;
}

export function blobReceiverWorker(host: ReceiverHost): (message: ToReceiver) => void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const http = require("node:http") as typeof import("node:http");
  const https = require("node:https") as typeof import("node:https");
  const { MessageChannel } = require("node:worker_threads") as typeof import("node:worker_threads");
  /* eslint-enable @typescript-eslint/no-require-imports */

  type Failure = {
    kind: string;
    message: string;
    url: string;
    status?: number;
    code?: string;
    body?: string;
    contentType?: string;
    gaveUp?: string;
  };
  interface Job {
    m: Extract<ToReceiver, { type: "recv" }>;
    /** The Authorization value for the registry's origin (renewed after a 401). */
    registryAuthorization?: string;
    /** This attempt's URL and header (a redirect hop changes both). */
    url: string;
    authorization?: string;
    /** Bytes handed to the writer: where a resume starts. */
    offset: number;
    /** The offset this attempt started at (no progress: back off before the next). */
    attemptStart: number;
    resumes: number;
    /** Redirects followed in this attempt. */
    hops: number;
    /** A 401 was answered with a fresh header and no attempt has been accepted since: the next 401 fails. */
    reauthorized: boolean;
    /** 5xx and 429 answers retried since an attempt was last accepted (the client's `retry.maxRetries`). */
    statusRetries: number;
    req?: import("node:http").ClientRequest;
    res?: import("node:http").IncomingMessage;
    parts: ArrayBuffer[];
    partsBytes: number;
    inFlight: number;
    paused: boolean;
    /** Waiting for the main thread (a redirect, a header) or a backoff: not idle. */
    waiting: boolean;
    lastActivity: number;
    timer?: NodeJS.Timeout;
    /** end sent to the writer, or the job failed or was aborted. */
    settled: boolean;
    failure?: Failure;
    aborted: boolean;
    /** The writer already closed and removed the file (it failed). */
    fileGone: boolean;
  }

  /** Bytes gathered per hand-over to the writer, and hand-overs it may have unfinished before the body is paused. */
  const BATCH_BYTES = 256 * 1024;
  const MAX_IN_FLIGHT = 4;
  const MAX_ERROR_BODY = 64 * 1024;
  const RESUME_BACKOFF_MS = 200;
  const MAX_RESUME_BACKOFF_MS = 3000;
  const jobs = new Map<number, Job>();
  const agents = new Map<string, import("node:http").Agent>();

  // Freeing each socket read once the HTTP parser has taken its bytes, as the
  // main thread does (http/bufferRelease.ts): this thread's small heap rarely
  // collects, and a pull's spent reads would otherwise pile up in RSS.
  const { port1: closedPort, port2 } = new MessageChannel();
  closedPort.close();
  port2.close();
  function releaseReads(res: import("node:http").IncomingMessage): void {
    const socket = res.socket;
    if (!socket) {
      return;
    }
    let pending: ArrayBuffer[] = [];
    const flush = (): void => {
      const buffers = pending;
      pending = [];
      try {
        closedPort.postMessage(null, buffers);
      } catch {
        // Not transferable after all: the collector frees them.
      }
    };
    const onData = (read: Buffer): void => {
      if (
        typeof read !== "string" &&
        read.byteOffset === 0 &&
        read.byteLength === read.buffer.byteLength &&
        read.buffer instanceof ArrayBuffer
      ) {
        pending.push(read.buffer);
        if (pending.length >= 16) {
          flush();
        }
      }
    };
    // Added after node:http's own listener, so it runs after the parser has consumed the read.
    socket.on("data", onData);
    const done = (): void => {
      socket.removeListener("data", onData);
      flush();
    };
    res.once("end", done);
    res.once("close", done);
  }

  function agentFor(url: URL, ca: string | undefined): import("node:http").Agent {
    const key = `${url.protocol}\n${ca ?? ""}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = url.protocol === "https:" ? new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) }) : new http.Agent({ keepAlive: true });
      agents.set(key, agent);
    }
    return agent;
  }

  function touch(job: Job): void {
    job.lastActivity = Date.now();
  }

  function start(m: Extract<ToReceiver, { type: "recv" }>): void {
    const job: Job = {
      m,
      registryAuthorization: m.authorization,
      url: m.url,
      authorization: m.authorization,
      offset: 0,
      attemptStart: 0,
      resumes: 0,
      hops: 0,
      reauthorized: false,
      statusRetries: 0,
      parts: [],
      partsBytes: 0,
      inFlight: 0,
      paused: false,
      waiting: false,
      lastActivity: Date.now(),
      settled: false,
      aborted: false,
      fileGone: false,
    };
    jobs.set(m.id, job);
    host.open(m.id, m.path, m.algorithm, (event) => onWriterEvent(job, event));
    if (m.timeoutMs > 0) {
      // Checked at half the timeout, so an idle attempt is noticed within 1 to 1.5 times it (idleTimeoutPolicy.ts).
      job.timer = setInterval(
        () => {
          if (!job.settled && !job.waiting && !job.paused && job.req && Date.now() - job.lastActivity >= m.timeoutMs) {
            attemptFailed(job, job.req, {
              kind: "timeout",
              message: `no bytes for ${m.timeoutMs} ms`,
              url: job.url,
            });
          }
        },
        Math.max(1, Math.floor(m.timeoutMs / 2)),
      );
    }
    send(job);
  }

  /** One GET of the current URL, from the current offset. */
  function send(job: Job): void {
    if (job.settled) {
      return;
    }
    job.waiting = false;
    job.attemptStart = job.offset;
    touch(job);
    let target: URL;
    try {
      target = new URL(job.url);
    } catch {
      fail(job, { kind: "network", message: "the URL is not valid", url: job.url });
      return;
    }
    const headers: Record<string, string> = { "User-Agent": job.m.userAgent };
    if (job.authorization) {
      headers.Authorization = job.authorization;
    }
    if (job.offset > 0) {
      headers.Range = `bytes=${job.offset}-`;
    }
    const lib = target.protocol === "https:" ? https : http;
    const req = lib.request(target, { method: "GET", headers, agent: agentFor(target, job.m.ca) });
    job.req = req;
    const sentAt = Date.now();
    const url = job.url;
    // One line per request for the client's request log (http/requestLogPolicy.ts; the main thread redacts the URL).
    req.on("response", (res) => {
      host.post({ type: "recvLog", id: job.m.id, url, outcome: String(res.statusCode), ms: Date.now() - sentAt });
      onResponse(job, req, res);
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (job.req === req && !job.res) {
        host.post({ type: "recvLog", id: job.m.id, url, outcome: `failed: ${error.code ?? error.name}`, ms: Date.now() - sentAt });
      }
      attemptFailed(job, req, { kind: "network", message: error.message, code: error.code, url: job.url });
    });
    req.end();
  }

  function header(res: import("node:http").IncomingMessage, name: string): string | undefined {
    const value = res.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  function parseContentRange(value: string | undefined): { start: number; total?: number } | undefined {
    const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value ?? "");
    if (match) {
      return { start: Number(match[1]), total: match[3] === "*" ? undefined : Number(match[3]) };
    }
    const unsatisfied = /^\s*bytes\s+\*\/(\d+)\s*$/i.exec(value ?? "");
    return unsatisfied ? { start: Number(unsatisfied[1]), total: Number(unsatisfied[1]) } : undefined;
  }

  function onResponse(job: Job, req: import("node:http").ClientRequest, res: import("node:http").IncomingMessage): void {
    if (job.req !== req || job.settled) {
      res.destroy();
      return;
    }
    touch(job);
    const status = res.statusCode ?? 0;
    const location = header(res, "location");
    if ([301, 302, 303, 307, 308].includes(status) && location) {
      res.resume();
      job.req = undefined;
      if (++job.hops > job.m.maxRedirects) {
        fail(job, { kind: "redirects", message: `more than ${job.m.maxRedirects} redirects`, url: job.url });
        return;
      }
      job.waiting = true;
      host.post({ type: "recvRedirect", id: job.m.id, location, from: job.url });
      return;
    }
    if (status === 401 && job.url === job.m.url && !job.reauthorized) {
      res.resume();
      job.req = undefined;
      job.reauthorized = true;
      job.waiting = true;
      host.post({ type: "recvUnauthorized", id: job.m.id });
      return;
    }
    let skip: number;
    const size = job.m.size;
    if (status === 200 || status === 206) {
      // Accepted: a later 401 (a token that expired meanwhile: Docker Hub's last 300 s) may be refreshed
      // again, and a later 5xx or 429 has the client's retries again, as each request does in the pipeline.
      job.reauthorized = false;
      job.statusRetries = 0;
    }
    if (status === 200) {
      // From byte 0 (asked for, or the registry ignored Range): the first `offset` bytes were delivered already.
      const length = header(res, "content-length");
      if (length !== undefined && Number(length) !== size) {
        res.destroy();
        fail(job, { kind: "range", message: `the blob was ${size} bytes and is now ${length}`, url: job.url, status });
        return;
      }
      skip = job.offset;
    } else if (status === 206 && job.offset > 0) {
      const range = parseContentRange(header(res, "content-range"));
      if (!range || range.start > job.offset || (range.total !== undefined && range.total !== size)) {
        res.destroy();
        fail(job, {
          kind: "range",
          message: `asked for bytes ${job.offset}- and got Content-Range ${JSON.stringify(header(res, "content-range") ?? "(none)")}`,
          url: job.url,
          status,
        });
        return;
      }
      skip = job.offset - range.start;
    } else if (status === 416 && job.offset > 0) {
      res.resume();
      const total = parseContentRange(header(res, "content-range"))?.total ?? size;
      if (total === job.offset && job.offset === size) {
        job.req = undefined;
        finish(job);
        return;
      }
      fail(job, { kind: "range", message: `it refused to resume at byte ${job.offset} (416)`, url: job.url, status });
      return;
    } else {
      readErrorBody(job, req, res, status);
      return;
    }
    job.res = res;
    releaseReads(res);
    receiveBody(job, req, res, skip);
  }

  function readErrorBody(job: Job, req: import("node:http").ClientRequest, res: import("node:http").IncomingMessage, status: number): void {
    const kept: Buffer[] = [];
    let bytes = 0;
    const done = (): void => {
      if (job.req !== req) {
        return;
      }
      const failure: Failure = {
        kind: "status",
        message: `HTTP ${status}`,
        url: job.url,
        status,
        body: Buffer.concat(kept).toString("utf8"),
        contentType: header(res, "content-type"),
      };
      if (status >= 500 || status === 429) {
        // As http/retryPolicy.ts: the client's number of retries, `Retry-After` (RFC 9110 section
        // 10.2.3) waited for, and an answer that asks for longer than the client waits goes back at once.
        const { maxRetries, initialDelayMs, maxDelayMs } = job.m.retry;
        const retryAfter = retryAfterMs(header(res, "retry-after"));
        if (retryAfter !== undefined && retryAfter > maxDelayMs) {
          failure.gaveUp = `the registry asked to retry after ${Math.ceil(retryAfter / 1000)} s, longer than the ${Math.round(maxDelayMs / 1000)} s this client waits`;
        }
        if (failure.gaveUp || job.statusRetries >= maxRetries) {
          job.req = undefined;
          fail(job, failure);
          return;
        }
        const delay = retryAfter ?? Math.min(maxDelayMs, initialDelayMs * 2 ** job.statusRetries * (0.8 + Math.random() * 0.4));
        job.statusRetries++;
        attemptFailed(job, req, failure, delay);
      } else {
        job.req = undefined;
        fail(job, failure);
      }
    };
    res.on("data", (chunk: Buffer) => {
      touch(job);
      if (bytes < MAX_ERROR_BODY) {
        kept.push(chunk.subarray(0, MAX_ERROR_BODY - bytes));
        bytes += chunk.length;
      } else {
        res.destroy();
        done();
      }
    });
    res.on("end", done);
    res.on("error", done);
    res.on("close", done);
  }

  function receiveBody(job: Job, req: import("node:http").ClientRequest, res: import("node:http").IncomingMessage, skip: number): void {
    let toSkip = skip;
    const size = job.m.size;
    let ended = false;
    res.on("data", (chunk: Buffer) => {
      if (job.req !== req) {
        return;
      }
      touch(job);
      if (toSkip > 0) {
        const dropped = Math.min(toSkip, chunk.length);
        toSkip -= dropped;
        chunk = chunk.subarray(dropped);
        if (chunk.length === 0) {
          return;
        }
      }
      if (job.offset + chunk.length > size) {
        res.destroy();
        job.req = undefined;
        fail(job, { kind: "tooMany", message: `more than ${size} bytes`, url: job.url });
        return;
      }
      job.offset += chunk.length;
      // A chunk that owns its whole buffer (node:http's copy of the body bytes) moves as it is; a view is copied.
      const buffer = chunk.buffer;
      const whole = chunk.byteOffset === 0 && chunk.byteLength === buffer.byteLength && buffer instanceof ArrayBuffer;
      job.parts.push(whole ? buffer : new Uint8Array(chunk).buffer);
      job.partsBytes += chunk.length;
      if (job.partsBytes >= BATCH_BYTES) {
        flush(job);
      }
    });
    res.on("end", () => {
      ended = true;
      if (job.req !== req) {
        return;
      }
      if (toSkip > 0) {
        attemptFailed(job, req, { kind: "short", message: `a restarted body ended before byte ${job.offset}`, url: job.url });
        return;
      }
      flush(job);
      if (job.offset >= size) {
        job.req = undefined;
        finish(job);
      } else {
        attemptFailed(job, req, { kind: "short", message: `the body ended after ${job.offset} of ${size} bytes`, url: job.url });
      }
    });
    res.on("error", (error: NodeJS.ErrnoException) =>
      attemptFailed(job, req, { kind: "network", message: error.message, code: error.code, url: job.url }),
    );
    res.on("close", () => {
      if (!ended) {
        attemptFailed(job, req, { kind: "network", message: `the connection closed after ${job.offset} bytes`, url: job.url });
      }
    });
  }

  /** Hands the gathered parts to the writer; pauses the body while the writer is behind. */
  function flush(job: Job): void {
    if (job.partsBytes === 0 || job.settled) {
      return;
    }
    const parts = job.parts;
    job.parts = [];
    job.partsBytes = 0;
    job.inFlight++;
    host.write(job.m.id, parts);
    host.post({ type: "recvProgress", id: job.m.id, bytes: job.offset });
    if (job.inFlight >= MAX_IN_FLIGHT && job.res && !job.paused) {
      job.paused = true;
      job.res.pause();
    }
  }

  /** The attempt broke: resume from the offset, unless the resumes are used up. */
  /** `Retry-After` as delay-seconds or an HTTP date, in milliseconds (http/retryPolicy.ts retryAfterMs). */
  function retryAfterMs(value: string | undefined): number | undefined {
    const trimmed = value?.trim();
    if (!trimmed) {
      return undefined;
    }
    if (/^\d+$/.test(trimmed)) {
      return Number(trimmed) * 1000;
    }
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
  }

  /** `delayMs`: the wait before the next attempt (a 5xx or 429's); else the resume backoff. */
  function attemptFailed(job: Job, req: import("node:http").ClientRequest, failure: Failure, delayMs?: number): void {
    if (job.req !== req || job.settled) {
      return;
    }
    job.req = undefined;
    const res = job.res;
    job.res = undefined;
    // Bytes received before the break are good: they are counted in the offset and go to the writer.
    flush(job);
    job.paused = false;
    res?.destroy();
    req.destroy();
    if (job.resumes >= job.m.maxResumes) {
      fail(job, failure);
      return;
    }
    job.resumes++;
    job.waiting = true;
    const again = (): void => {
      // Each attempt starts at the registry URL, and its redirect hops are counted afresh
      // (a 307 to storage on every attempt is how most registries serve blobs).
      job.url = job.m.url;
      job.hops = 0;
      job.authorization = job.registryAuthorization;
      send(job);
    };
    // Backoff only after an attempt that delivered nothing (resumableDownload.ts).
    if (delayMs !== undefined) {
      setTimeout(again, delayMs);
    } else if (job.offset === job.attemptStart) {
      setTimeout(again, Math.min(MAX_RESUME_BACKOFF_MS, RESUME_BACKOFF_MS * 2 ** (job.resumes - 1)));
    } else {
      setImmediate(again);
    }
  }

  function finish(job: Job): void {
    if (job.settled) {
      return;
    }
    flush(job);
    job.settled = true;
    clearInterval(job.timer);
    host.end(job.m.id);
  }

  /** Stops the job and has the writer remove the file; the main thread hears why once it is gone. */
  function fail(job: Job, failure: Failure | undefined): void {
    if (job.settled) {
      return;
    }
    job.settled = true;
    job.failure = failure;
    clearInterval(job.timer);
    job.res?.destroy();
    job.req?.destroy();
    job.parts = [];
    job.partsBytes = 0;
    if (job.fileGone) {
      report(job);
    } else {
      host.abort(job.m.id);
    }
  }

  /** The file is closed and removed: tell the main thread why. */
  function report(job: Job): void {
    jobs.delete(job.m.id);
    if (!job.failure) {
      host.post({ type: "recvAborted", id: job.m.id });
    } else {
      host.post({ type: "recvError", id: job.m.id, failure: { ...job.failure, resumes: job.resumes } });
    }
  }

  function onWriterEvent(job: Job, event: WriterEvent): void {
    if (event.type === "ack") {
      job.inFlight--;
      touch(job);
      if (job.paused && job.inFlight < MAX_IN_FLIGHT) {
        job.paused = false;
        job.res?.resume();
      }
    } else if (event.type === "done") {
      jobs.delete(job.m.id);
      host.post({ type: "recvDone", id: job.m.id, digest: event.digest, direct: event.direct, bytes: job.offset });
    } else if (event.type === "aborted") {
      report(job);
    } else {
      // The disk failed: the writer closed and removed the file.
      job.fileGone = true;
      if (!job.settled) {
        fail(job, { kind: "file", message: event.message ?? "the file could not be written", code: event.code, url: job.url });
      } else {
        job.failure ??= { kind: "file", message: event.message ?? "the file could not be written", code: event.code, url: job.url };
        report(job);
      }
    }
  }

  return (m: ToReceiver): void => {
    if (m.type === "recv") {
      start(m);
      return;
    }
    const job = jobs.get(m.id);
    if (!job) {
      return;
    }
    if (m.type === "recvAbort") {
      // Once the end went to the writer (or a failure is on its way), that answer comes instead.
      job.aborted = true;
      fail(job, undefined);
    } else if (m.type === "recvFollow") {
      job.url = m.url;
      job.authorization = m.authorization;
      send(job);
    } else if (m.type === "recvAuth") {
      job.registryAuthorization = m.authorization;
      job.url = job.m.url;
      job.hops = 0;
      job.authorization = m.authorization;
      send(job);
    }
  };
}
