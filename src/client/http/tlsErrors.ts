// Explains TLS failures in words a user can act on. Node reports them as
// OpenSSL verification codes (node:tls, "X509 certificate error codes").

const UNTRUSTED = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
]);

const HOW_TO_TRUST =
  "If the registry uses a self-signed certificate or a private CA, trust that CA: give its PEM file to the client " +
  "(`caCertificates` option; in VS Code the `containerRegistryExplorer.caCertificateFile` setting or the registry's CA file), " +
  "or set NODE_EXTRA_CA_CERTS before starting.";

/** A sentence explaining the TLS failure with this code, or undefined when it is not one. */
export function explainTlsError(code: string | undefined): string | undefined {
  if (!code) {
    return undefined;
  }
  if (UNTRUSTED.has(code)) {
    return `its TLS certificate is not trusted (${code}). ${HOW_TO_TRUST}`;
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return `its TLS certificate is not valid now (${code}); check the registry's certificate and this machine's clock.`;
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `its TLS certificate is for another host name (${code}); connect with the name the certificate was issued for.`;
  }
  if (code === "EPROTO" || code === "ERR_SSL_WRONG_VERSION_NUMBER") {
    return `the TLS handshake failed (${code}); if the registry serves plain HTTP, connect with http:// (allowed for loopback, or when you allow it for that registry).`;
  }
  return undefined;
}
