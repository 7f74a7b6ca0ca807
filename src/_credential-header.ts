/**
 * Header names that say they carry a credential (`Authorization`, `X-Api-Key`, `X-Auth-Token`,
 * `Cookie`, ...). Such a header's value would sit in a manifest (a ConfigMap or an env value),
 * readable by anyone who can read that object; credentials go through Secrets instead.
 */
const CREDENTIAL_HEADER = /key|token|secret|password|passwd|auth|session|cookie|credential/i;

/** The words of CREDENTIAL_HEADER, for error messages. */
export const CREDENTIAL_WORDS = 'key, token, secret, password, passwd, auth, session, cookie or credential';

/** Whether a header name says it carries a credential. */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}
