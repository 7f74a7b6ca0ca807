import { containersOf, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/** Environment variables that hand natscli (or a NATS client) a password or a token. */
const SECRET_SENDING = ['NATS_PASSWORD', 'NATS_PASSWORD_FILE', 'NATS_TOKEN', 'NATS_TOKEN_FILE', 'NATS_USER', 'NATS_USER_FILE'];

/**
 * `nats-credentials-over-tls` (warning): nATS passwords and tokens travel over TLS. Creds and
 * nkeys prove a key by signing a nonce and never send it, so only password and token auth are
 * concerned.
 *
 * Suppress it with `HardeningChecks.suppress(scope, NatsCredentialsOverTlsRule.ID, reason)`.
 */
export class NatsCredentialsOverTlsRule extends HardeningRule {
  /** The rule's id: `nats-credentials-over-tls`. */
  public static readonly ID = 'nats-credentials-over-tls';

  public readonly id = NatsCredentialsOverTlsRule.ID;
  public readonly severity = Severity.WARNING;
  public readonly requirement = 'a container that authenticates to NATS with a password or token connects with tls:// or wss://, or trusts a CA (NATS_CA)';
  public readonly rationale = 'password and token auth send the secret itself to the server; over plain nats:// or ws:// anyone on the path reads it '
    + '(creds and nkey auth only sign a nonce)';
  public readonly source = 'NATS security guidance (TLS for client connections); natscli and nats.go use TLS for tls:// URLs or a root CA';
  public readonly fix = 'use a tls:// URL, with tlsCaSecret (the CA from a Secret) when the server certificate is not publicly trusted; or NatsAuth.credsFile / nkeySeedFile';

  public check(manifest: any, _manifests: any[]): string[] {
    return containersOf(podTemplateOf(manifest)?.spec).flatMap(({ container, name }) => {
      const env: any[] = container.env ?? [];
      const has = (variable: string) => env.some((e) => e.name === variable);
      const url = env.find((e) => e.name === 'NATS_URL')?.value;
      if (typeof url !== 'string' || !SECRET_SENDING.some(has) || has('NATS_CA')) return [];
      // natscli takes a comma-separated server list; a server without a scheme is nats:// (nats.go)
      const plain = url.split(',').map((s) => s.trim()).filter((s) => !/^(tls|wss):\/\//i.test(s));
      return plain.length === 0 ? [] : [`${name} sends a NATS password or token to ${plain.join(', ')} without TLS`];
    });
  }
}
