import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { mountSecretFile } from './_secret-file';

/**
 * How natscli authenticates to NATS. Every variant reads a Kubernetes Secret by reference:
 * no secret value is ever written into a manifest, a ConfigMap or an env literal.
 */
export class NatsAuth {
  /**
   * A user credentials file (JWT and seed, `nats --creds`), mounted read-only from a Secret.
   *
   * @param secret the Secret holding the file
   * @param key the key of the file in the Secret
   */
  public static credsFile(secret: kplus.ISecret, key: string = 'nats.creds'): NatsAuth {
    return new NatsAuth('NATS_CREDS', secret, key);
  }

  /**
   * An NKEY seed file (`nats --nkey`), mounted read-only from a Secret.
   *
   * @param secret the Secret holding the seed file
   * @param key the key of the seed in the Secret
   */
  public static nkeySeedFile(secret: kplus.ISecret, key: string = 'nkey.seed'): NatsAuth {
    return new NatsAuth('NATS_NKEY', secret, key);
  }

  /**
   * A user name and password (`nats --user --password`), passed as environment variables
   * that reference the Secret.
   */
  public static userPassword(secret: kplus.ISecret, userKey: string = 'user', passwordKey: string = 'password'): NatsAuth {
    return new NatsAuth(undefined, secret, undefined, { NATS_USER: userKey, NATS_PASSWORD: passwordKey });
  }

  /** A token (`nats --token`), passed as an environment variable that references the Secret. */
  public static token(secret: kplus.ISecret, key: string = 'token'): NatsAuth {
    return new NatsAuth(undefined, secret, undefined, { NATS_TOKEN: key });
  }

  private constructor(
    private readonly fileEnv: string | undefined,
    private readonly secret: kplus.ISecret,
    private readonly fileKey: string | undefined,
    private readonly envKeys: { [env: string]: string } = {},
  ) {}

  /** @internal */
  public _configure(scope: Construct, container: kplus.Container): void {
    for (const [env, key] of Object.entries(this.envKeys)) {
      container.env.addVariable(env, kplus.EnvValue.fromSecretValue({ secret: this.secret, key }));
    }
    if (this.fileEnv && this.fileKey) {
      mountSecretFile(scope, 'NatsAuth', container, this.secret, this.fileKey, '/etc/nats/auth', this.fileEnv);
    }
  }
}

/**
 * Where the NATS server is and how to reach it; shared by every construct that runs natscli.
 */
export interface NatsConnectionOptions {
  /**
   * NATS client URL (nats://, tls://, ws:// or wss://).
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
   * @default { 'app.kubernetes.io/name': 'nats' } (the official Helm chart)
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
}
