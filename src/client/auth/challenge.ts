// Parses `WWW-Authenticate` challenges (RFC 7235 section 4.1; distribution's
// token spec "How to authenticate"): `Bearer realm="...",service="...",scope="..."`
// or `Basic realm="..."`.

export interface AuthChallenge {
  scheme: "basic" | "bearer";
  realm?: string;
  service?: string;
  /** Space-separated scopes as the registry wrote them; may be absent (e.g. for `/v2/`). */
  scope?: string;
  /** `insufficient_scope` when the token lacked an action (RFC 6750 section 3.1). */
  error?: string;
}

export function parseChallenge(header: string | undefined): AuthChallenge | undefined {
  if (!header) {
    return undefined;
  }
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) {
    return undefined;
  }
  const scheme = match[1].toLowerCase();
  if (scheme !== "basic" && scheme !== "bearer") {
    return undefined;
  }
  const params: Record<string, string> = {};
  // key="quoted value" or key=token, separated by commas.
  const param = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let m = param.exec(match[2]); m; m = param.exec(match[2])) {
    params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3];
  }
  return { scheme, realm: params.realm, service: params.service, scope: params.scope, error: params.error };
}
