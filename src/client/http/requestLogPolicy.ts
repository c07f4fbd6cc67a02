// Pipeline policy: one line per request for whoever wants it (the extension's
// output channel): method, redacted URL, status and time. Headers and bodies
// are never logged, so tokens and passwords cannot reach a log.

import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";
import { redactUrl } from "../redact";

export type RequestLogger = (line: string) => void;

export const requestLogPolicyName = "registryRequestLog";

export function requestLogPolicy(log: RequestLogger): PipelinePolicy {
  return {
    name: requestLogPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const started = Date.now();
      try {
        const response = await next(request);
        log(`${request.method} ${redactUrl(request.url)} -> ${response.status} (${Date.now() - started} ms)`);
        return response;
      } catch (error) {
        const reason = (error as { code?: string }).code ?? (error as Error).name ?? "error";
        log(`${request.method} ${redactUrl(request.url)} -> failed: ${reason} (${Date.now() - started} ms)`);
        throw error;
      }
    },
  };
}
