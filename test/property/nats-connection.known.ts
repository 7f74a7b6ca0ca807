import { KnownFailure } from './harness';
import { NatsConnectionSpec } from './nats-connection.arbitraries';
import { isDataKey, isDnsLabel, isDnsSubdomain, isLabelMap, isLabelValue } from './oracle';
import { hasUnrenderableKey } from './values';

/**
 * Findings of the NatsBackupCronJob and NatsRestoreJob properties in the connection props they
 * share (src/_nats-box.ts, src/nats-connection.ts), left to their owners. Each excuses only the
 * problems it names, only when the props hold the value that causes them.
 */
export function natsConnectionKnownFailures<P>(connection: (props: P) => NatsConnectionSpec | undefined): Array<KnownFailure<P>> {
  return [
    {
      finding: 'NatsAuth Secret names are not checked: a name that is not a DNS subdomain reaches the volume source or secretKeyRef',
      when: (p) => connection(p)?.auth !== undefined && !isDnsSubdomain(connection(p)!.auth!.secretName),
      problem: /volume source name|env NATS_\w+ references/,
    },
    {
      finding: 'NatsAuth Secret keys are not checked: "..", "a/b", "" or "my token" reach the volume items or secretKeyRef',
      when: (p) => (connection(p)?.auth?.keys ?? []).some((k) => !isDataKey(k)),
      problem: /volume key|volume path|env NATS_\w+ references/,
    },
    {
      finding: 'tlsCaSecret names are not checked',
      when: (p) => connection(p)?.tlsCaSecretName !== undefined && !isDnsSubdomain(connection(p)!.tlsCaSecretName),
      problem: /volume source name/,
    },
    {
      finding: 'tlsCaKey is not checked as a Secret key',
      when: (p) => connection(p)?.tlsCaKey !== undefined && !isDataKey(connection(p)!.tlsCaKey),
      problem: /volume key|volume path/,
    },
    {
      finding: 'natsNamespace is not checked: it becomes a namespaceSelector label value',
      when: (p) => connection(p)?.natsNamespace !== undefined
        && !(isDnsLabel(connection(p)!.natsNamespace) && isLabelValue(connection(p)!.natsNamespace)),
      problem: /peer namespaceSelector/,
    },
    {
      finding: 'natsPodLabels keys and values are not checked: they become the NetworkPolicy peer selector',
      when: (p) => !isLabelMap(connection(p)?.natsPodLabels) || hasUnrenderableKey(connection(p)?.natsPodLabels),
      problem: /peer podSelector|can't render non-simple object/,
    },
  ];
}
