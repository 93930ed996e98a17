/**
 * A self-signed certificate for `localhost` (DNS name only, no IP address),
 * valid until 2126, and its key: test material, trusted by nothing but the
 * egress agent's TLS test. Made with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=localhost -addext subjectAltName=DNS:localhost`.
 */
export const LOCALHOST_CERT = `-----BEGIN CERTIFICATE-----
MIIBlTCCATugAwIBAgIUa6X3H6IoqAOgc2swv38fINUOJ7owCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwODAwMjYxMloYDzIxMjYxMTE0
MDAyNjEyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAR+2dGVN+P1fY8KSHYiSbhl7fshvH4LWfrXcj8SnGTCXo90jOF2dn8e
1TfI1vTE2C11GlnUFV2cPE/YLqipa95Eo2kwZzAdBgNVHQ4EFgQUS4IY2iK32zRt
1F1pLuzxD454PSMwHwYDVR0jBBgwFoAUS4IY2iK32zRt1F1pLuzxD454PSMwDwYD
VR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3QwCgYIKoZIzj0EAwID
SAAwRQIhAOy/KiX5e1I+Ugd+DpK4n2tIYNoZl0DgnsuMaexesCJjAiAyPMNaK+tN
ZPmsb8AI9OD2GOd8zJPu+jCdNiyyXFGc1g==
-----END CERTIFICATE-----
`;

export const LOCALHOST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/NfXN9mp7D+BQzwy
nvPnttxeGX0igsnIgSIe94pYrfehRANCAAR+2dGVN+P1fY8KSHYiSbhl7fshvH4L
WfrXcj8SnGTCXo90jOF2dn8e1TfI1vTE2C11GlnUFV2cPE/YLqipa95E
-----END PRIVATE KEY-----
`;
