import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalidProp } from './_errors';
import { mountSecretFiles } from './_secret-file';
import { assertDnsSubdomain, assertSecretKey } from './_validate';
import { DnsResolver } from './dns-resolver';

/**
 * How natscli authenticates to NATS. Every variant mounts keys of a Kubernetes Secret as
 * read-only files: no secret value is ever written into a manifest, a ConfigMap or an
 * environment variable.
 *
 * natscli 0.4.0 reads creds and nkey seeds from files itself. A user, password or token it
 * takes from a flag, an environment variable or a context; the job scripts read them from
 * their files into a private context file on a memory-backed volume, so they never sit in the
 * environment of natscli, curl or jq. Password and token auth send the secret to the server:
 * use a `tls://` URL (HardeningChecks warns about `nats-credentials-over-tls`).
 */
export class NatsAuth {
  /**
   * A user credentials file (JWT and seed, `nats --creds`), mounted read-only from a Secret.
   * Reads the Secret's key `nats.creds` unless `key` names another, e.g.
   * `kubectl create secret generic nats-backup-creds --from-file=nats.creds=./backup.creds`.
   * The file is mounted at `/etc/nats/auth/<key>` and named by `NATS_CREDS`.
   *
   * @param secret the Secret holding the file
   * @param key the key of the file in the Secret (default `nats.creds`)
   */
  public static credsFile(secret: kplus.ISecret, key: string = 'nats.creds'): NatsAuth {
    return new NatsAuth('NatsAuth.credsFile', secret, { NATS_CREDS: key }, false);
  }

  /**
   * An NKEY seed file (`nats --nkey`), mounted read-only from a Secret. Reads the Secret's key
   * `nkey.seed` unless `key` names another; mounted at `/etc/nats/auth/<key>`, named by `NATS_NKEY`.
   *
   * @param secret the Secret holding the seed file
   * @param key the key of the seed in the Secret (default `nkey.seed`)
   */
  public static nkeySeedFile(secret: kplus.ISecret, key: string = 'nkey.seed'): NatsAuth {
    return new NatsAuth('NatsAuth.nkeySeedFile', secret, { NATS_NKEY: key }, false);
  }

  /**
   * A user name and password, each a key of the Secret, mounted read-only as files (their exact
   * bytes are used: store them without a trailing newline). Reads the Secret's keys `user` and
   * `password` unless `userKey` and `passwordKey` name others.
   *
   * @param secret the Secret holding both
   * @param userKey the key of the user name (default `user`)
   * @param passwordKey the key of the password (default `password`)
   */
  public static userPassword(secret: kplus.ISecret, userKey: string = 'user', passwordKey: string = 'password'): NatsAuth {
    if (userKey === passwordKey) {
      throw invalidProp('NatsAuth.userPassword passwordKey', 'differ from userKey', passwordKey);
    }
    return new NatsAuth('NatsAuth.userPassword', secret, { NATS_USER_FILE: userKey, NATS_PASSWORD_FILE: passwordKey }, true);
  }

  /**
   * A token, a key of the Secret mounted read-only as a file (its exact bytes are used). Reads
   * the Secret's key `token` unless `key` names another.
   *
   * @param secret the Secret holding the token
   * @param key the key of the token (default `token`)
   */
  public static token(secret: kplus.ISecret, key: string = 'token'): NatsAuth {
    return new NatsAuth('NatsAuth.token', secret, { NATS_TOKEN_FILE: key }, true);
  }

  private constructor(
    private readonly prop: string,
    private readonly secret: kplus.ISecret,
    private readonly files: { [env: string]: string },
    /** Whether the scripts build a private natscli context from the files. @internal */
    public readonly _needsContext: boolean,
  ) {
    assertDnsSubdomain(`${prop} Secret name`, secret.name);
    for (const key of Object.values(files)) assertSecretKey(`${prop} key`, key);
  }

  /** @internal */
  public _configure(scope: Construct, container: kplus.Container): void {
    mountSecretFiles(scope, 'NatsAuth', container, this.secret, this.files, '/etc/nats/auth', this.prop);
  }
}

/**
 * Where the NATS server is and how to reach it; shared by every construct that runs natscli.
 */
export interface NatsConnectionOptions {
  /**
   * NATS client URL (nats://, tls://, ws:// or wss://), one host. The default is the client
   * Service of the official Helm chart installed as release `nats` in the job's namespace. With
   * password or token auth use tls:// (natscli then requires TLS; see `tlsCaSecret`).
   *
   * @default 'nats://nats:4222'
   */
  readonly natsUrl?: string;

  /**
   * Authentication, read from a Secret by reference.
   *
   * @default - no authentication
   */
  readonly auth?: NatsAuth;

  /**
   * Secret holding the CA certificate that signed the NATS server certificate.
   *
   * @default - the system trust store
   */
  readonly tlsCaSecret?: kplus.ISecret;

  /**
   * Key of the CA certificate in `tlsCaSecret`.
   *
   * @default 'ca.crt'
   */
  readonly tlsCaKey?: string;

  /**
   * Labels of the NATS server pods; the NetworkPolicy allows egress to them only.
   *
   * @default { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'nats' } (the server pods of the official Helm chart, not its nats-box)
   */
  readonly natsPodLabels?: { [key: string]: string };

  /**
   * Namespace of the NATS server pods.
   *
   * @default - the namespace of the job
   */
  readonly natsNamespace?: string;

  /**
   * nats-box image running natscli, pinned by tag or digest.
   *
   * @default 'natsio/nats-box:0.19.5' (natscli 0.4.0)
   */
  readonly image?: string;

  /**
   * uid of the job's container (nats-box has no USER line and would run as root).
   *
   * @default 65532
   */
  readonly user?: number;

  /**
   * gid of the job's container and fsGroup of the pod, so the claim is writable.
   *
   * @default 65532
   */
  readonly group?: number;

  /**
   * Requests and limits; each of cpu, memory and ephemeralStorage left out keeps its default.
   *
   * @default - cpu 100m/1, memory 128Mi/512Mi, ephemeral-storage 64Mi/256Mi (request/limit)
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Create a NetworkPolicy that lets the job's pods reach only the NATS pods and DNS, and
   * admits no connection to them.
   *
   * @default true
   */
  readonly networkPolicy?: boolean;

  /**
   * The DNS resolver the pods may query under the NetworkPolicy: port 53 to this resolver only,
   * never to any address (port 53 anywhere is an exfiltration channel).
   *
   * @default DnsResolver.clusterDns() - the pods labelled `k8s-app: kube-dns` in `kube-system`
   */
  readonly dnsResolver?: DnsResolver;
}
