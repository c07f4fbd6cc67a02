// Caches bearer tokens until shortly before they expire, keyed by whatever
// the caller chooses (scope for access tokens, registry for ACR refresh tokens).

/** Tokens are dropped this long before they expire, so a request never races the expiry. */
const EXPIRY_MARGIN_MS = 30_000;
/** Distribution token spec: "expires_in ... defaults to 60 seconds". */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;

interface CachedToken {
  token: string;
  expiresOnMs: number;
}

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): string | undefined {
    const cached = this.tokens.get(key);
    if (!cached) {
      return undefined;
    }
    if (cached.expiresOnMs - EXPIRY_MARGIN_MS <= this.now()) {
      this.tokens.delete(key);
      return undefined;
    }
    return cached.token;
  }

  set(key: string, token: string, expiresOnMs: number): void {
    this.tokens.set(key, { token, expiresOnMs });
  }

  delete(key: string): void {
    this.tokens.delete(key);
  }

  clear(): void {
    this.tokens.clear();
  }
}

/** When a token expires: its JWT `exp` claim when it has one, else `expires_in`, else the spec default. */
export function tokenExpiryMs(token: string, expiresInSeconds: number | undefined, now = Date.now()): number {
  const exp = jwtExpiry(token);
  if (exp !== undefined) {
    return exp * 1000;
  }
  const lifetime = typeof expiresInSeconds === "number" && expiresInSeconds > 0 ? expiresInSeconds : DEFAULT_TOKEN_LIFETIME_SECONDS;
  return now + lifetime * 1000;
}

function jwtExpiry(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) {
    return undefined;
  }
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}
