import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { invalidProp } from './_errors';
import { assertNoControlCharacters, assertPort } from './_validate';

/** How a {@link HealthProbe} asks the container whether it is healthy. */
export enum HealthProbeKind {
  /** An HTTP GET that must answer 2xx or 3xx. */
  HTTP = 'http',
  /** A TCP connection that must be accepted. */
  TCP = 'tcp',
  /** A command run in the container that must exit 0. */
  EXEC = 'exec',
}

/**
 * A readiness or liveness probe of a {@link HardenedDeployment}: an HTTP path, a TCP port or a
 * command. An API answers HTTP on its container port (the default); a queue worker that listens
 * nowhere proves its health with a command, or with a small health endpoint on a port of its own.
 *
 * Every port a probe targets is declared on the container (kube-linter liveness-port,
 * readiness-port); readiness and liveness must differ (kube-score pod-probes).
 */
export class HealthProbe {
  /**
   * An HTTP GET of `path`, healthy on 2xx and 3xx.
   *
   * @param path an absolute path, such as `/readyz`
   * @param port the container port to ask (default: the Deployment's `port`)
   */
  public static http(path: string, port?: number): HealthProbe {
    if (typeof path !== 'string') throw invalidProp('HealthProbe.http path', 'be an absolute HTTP path such as "/healthz"', path);
    assertNoControlCharacters('HealthProbe.http path', path);
    if (!/^\/[^\s]*$/.test(path)) throw invalidProp('HealthProbe.http path', 'be an absolute HTTP path such as "/healthz"', path);
    if (port !== undefined) assertPort('HealthProbe.http port', port);
    return new HealthProbe(HealthProbeKind.HTTP, path, port, undefined);
  }

  /**
   * A TCP connection to `port`, healthy when it is accepted. It proves that something listens,
   * not that it works: prefer `http` or `exec` where the application offers one.
   *
   * @param port the container port to connect to (default: the Deployment's `port`)
   */
  public static tcp(port?: number): HealthProbe {
    if (port !== undefined) assertPort('HealthProbe.tcp port', port);
    return new HealthProbe(HealthProbeKind.TCP, undefined, port, undefined);
  }

  /**
   * A command run inside the container, healthy when it exits 0 within the probe's timeout
   * (2 seconds). It runs as the container's user on its read-only root filesystem; the image
   * must hold the program. No shell is involved unless the command starts one.
   *
   * @param command the program and its arguments, such as `['/app/healthcheck', '--ready']`
   */
  public static exec(command: string[]): HealthProbe {
    // an empty array has no command[0]: the typeof test refuses it
    if (!Array.isArray(command) || typeof command[0] !== 'string' || command[0].trim() === ''
      || command.some((word) => typeof word !== 'string' || word.includes('\u0000'))) {
      throw invalidProp('HealthProbe.exec command', 'hold the program and its arguments: a non-empty program name, no NUL characters', command);
    }
    return new HealthProbe(HealthProbeKind.EXEC, undefined, undefined, [...command]);
  }

  private constructor(
    /** How the probe asks. */
    public readonly kind: HealthProbeKind,
    /** The HTTP path of an `http` probe. */
    public readonly path: string | undefined,
    /** The port given to an `http` or `tcp` probe; undefined: the Deployment's `port`. */
    public readonly port: number | undefined,
    /** The command of an `exec` probe. */
    public readonly command: string[] | undefined,
  ) {}

  /** Whether it targets a port without naming it: then the Deployment serves on its `port`. @internal */
  public _usesDefaultPort(): boolean {
    return this.kind !== HealthProbeKind.EXEC && this.port === undefined;
  }

  /** The port it targets, given the Deployment's. @internal */
  public _portWith(defaultPort: number | undefined): number | undefined {
    return this.kind === HealthProbeKind.EXEC ? undefined : this.port ?? defaultPort;
  }

  /** Whether the kubelet would run the same check for both (kube-score: identical probes). @internal */
  public _sameCheckAs(other: HealthProbe, defaultPort: number | undefined): boolean {
    return this.kind === other.kind && this.path === other.path && this._portWith(defaultPort) === other._portWith(defaultPort)
      && JSON.stringify(this.command) === JSON.stringify(other.command);
  }

  /** What it checks, in words: `GET /readyz on port 8080`, `TCP port 5672`, `exec /app/health`. @internal */
  public _describe(defaultPort: number | undefined): string {
    switch (this.kind) {
      case HealthProbeKind.HTTP: return `GET ${this.path} on port ${this._portWith(defaultPort)}`;
      case HealthProbeKind.TCP: return `TCP port ${this._portWith(defaultPort)}`;
      default: return `exec ${JSON.stringify(this.command)}`;
    }
  }

  /** The cdk8s-plus probe. @internal */
  public _toProbe(
    defaultPort: number | undefined,
    timing: { periodSeconds: number; timeoutSeconds?: number; failureThreshold: number; initialDelaySeconds?: number },
  ): kplus.Probe {
    const options = {
      periodSeconds: Duration.seconds(timing.periodSeconds),
      timeoutSeconds: timing.timeoutSeconds !== undefined ? Duration.seconds(timing.timeoutSeconds) : undefined,
      failureThreshold: timing.failureThreshold,
      initialDelaySeconds: timing.initialDelaySeconds !== undefined ? Duration.seconds(timing.initialDelaySeconds) : undefined,
    };
    switch (this.kind) {
      case HealthProbeKind.HTTP: return kplus.Probe.fromHttpGet(this.path!, { ...options, port: this._portWith(defaultPort) });
      case HealthProbeKind.TCP: return kplus.Probe.fromTcpSocket({ ...options, port: this._portWith(defaultPort) });
      default: return kplus.Probe.fromCommand(this.command!, options);
    }
  }
}
