import { ApiObject, ApiObjectMetadata, Duration, JsonPatch, Names, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { readAsset } from './_assets';
import type { ChaosAdmissionFacts } from './_chaos-admission';
import { CHAOS_SCENARIO_LABEL } from './_chaos-labels';
import { PROBED_SCENARIOS, planChaosExperiment } from './_chaos-plan';
import { planProbedExperiment } from './_chaos-probed-plan';
import { chaosTargetInfo } from './_chaos-target';
import { invalidProp } from './_errors';
import { requireIngressAdmission } from './_ingress-admission';
import { applyLabels, recommendedLabels } from './_labels';
import { constructNamespace } from './_namespace';
import { mountScratch, mountScripts, patchRestrictedPodSpec } from './_pod-spec';
import { DEFAULT_NON_ROOT_ID, restrictedContainerSecurity, restrictedPodSecurity } from './_restricted';
import { immutableScripts, verifiedScriptCommand } from './_scripts-config-map';
import { TERMINATION_GRACE } from './_termination-grace';
import { assertMetadata } from './_validate';
import { ChaosDirection } from './chaos-network-policy';
import { DnsResolver } from './dns-resolver';
import { EgressRule } from './egress-rule';
import { HardenedDeployment } from './hardened-deployment';
import { RecoverySla } from './recovery-sla';

/** The fault a chaos experiment injects, or the promise it puts to the test. */
export enum ChaosScenario {
  /** Delete one pod of the API Deployment. SLA: RecoverySla.API_POD_KILL. */
  API_KILL = 'api-kill',
  /** Delete the NATS JetStream meta leader pod. SLA: RecoverySla.NATS_LEADER_ELECTION. */
  NATS_KILL = 'nats-kill',
  /** Switch the API pods' own NetworkPolicy to deny for a while. SLA: RecoverySla.NETWORK_PARTITION. */
  NETWORK_BLOCK = 'network-block',
  /** Restart the API Deployment (`kubectl rollout restart`) while probing it. SLA: RecoverySla.ZERO_DOWNTIME. */
  ROLLOUT = 'rollout',
  /** Evict every API pod through the Eviction API, as a node drain does, while probing it. SLA: RecoverySla.ZERO_DOWNTIME. */
  DRAIN = 'drain',
  /** Cut the API pods' egress to the observability stack for a while, while probing it. SLA: RecoverySla.OBSERVABILITY_FAILURE. */
  OBSERVABILITY_BLOCK = 'observability-block',
}

/**
 * Where the experiment's pod reaches the Kubernetes API server. Most network plugins apply
 * egress policies after the `kubernetes` Service address has been translated, so these are the
 * addresses and port of its endpoints (`kubectl get endpointslices -n default -l
 * kubernetes.io/service-name=kubernetes`), for example `{ cidrs: ['10.0.0.10/32'], port: 6443 }`
 * on kubeadm or the control plane's addresses and 443 on managed clusters.
 */
export interface ApiServerEndpoint {
  /** Address ranges of the API server endpoints, in CIDR notation (`10.0.0.10/32`, `fd00::1/128`). */
  readonly cidrs: string[];

  /** TCP port of the API server endpoints (6443 on kubeadm, 443 on most managed clusters). */
  readonly port: number;
}

/**
 * The NATS server a nats-kill experiment targets: a StatefulSet such as the official Helm
 * chart's (`nats` in the release's namespace, pods labelled `app.kubernetes.io/name: nats`,
 * `app.kubernetes.io/instance: <release>`, `app.kubernetes.io/component: nats`).
 */
export interface ChaosNatsTarget {
  /** Name of the NATS StatefulSet. */
  readonly statefulSetName: string;

  /**
   * Namespace of the StatefulSet. The Job stays in the experiment's namespace; a Role and
   * RoleBinding in this namespace let its ServiceAccount read the StatefulSet and list and
   * delete pods there, nothing more and nothing cluster-wide. Needs the experiment's namespace
   * to be known (a namespace on the chart or in `metadata`).
   *
   * @default - the experiment's namespace
   */
  readonly namespaceName?: string;

  /**
   * Labels of the NATS server pods, for the Job's NetworkPolicy (egress to their monitoring
   * port). The pods to kill and poll are not chosen by these labels: the script reads the
   * StatefulSet's own `spec.selector` and keeps only the pods the StatefulSet owns.
   */
  readonly podLabels: { [key: string]: string };

  /**
   * Monitoring port of the NATS pods (`/jsz`, `/healthz`).
   *
   * @default 8222
   */
  readonly monitorPort?: number;

  /**
   * Kill the JetStream meta leader (from `/jsz` `meta_cluster.leader`) rather than any pod.
   *
   * @default true
   */
  readonly killMetaLeader?: boolean;
}

/**
 * Properties of a {@link ChaosExperiment}.
 */
export interface ChaosExperimentProps {
  /** The fault to inject. */
  readonly scenario: ChaosScenario;

  /**
   * Where the Job reaches the Kubernetes API server: the only destination besides DNS and the
   * probed pods that its NetworkPolicy allows.
   */
  readonly apiServer: ApiServerEndpoint;

  /**
   * The DNS resolver the Job's pod may query under its NetworkPolicy: port 53 to this resolver
   * only, never to any address (port 53 anywhere is an exfiltration channel).
   *
   * @default DnsResolver.clusterDns() - the pods labelled `k8s-app: kube-dns` in `kube-system`
   */
  readonly dnsResolver?: DnsResolver;

  /**
   * The API Deployment (every scenario but nats-kill), in the experiment's namespace: a
   * HardenedDeployment or, for api-kill, rollout and drain, any cdk8s-plus Deployment.
   * network-block and observability-block need a HardenedDeployment with its NetworkPolicy (they
   * switch that policy); drain needs one disruption budget that selects its pods (in any chart of
   * the target's app), allows a disruption and keeps a pod.
   *
   * @default - required for every scenario but nats-kill
   */
  readonly target?: kplus.Deployment;

  /**
   * The NATS server (nats-kill).
   *
   * @default - required for nats-kill
   */
  readonly nats?: ChaosNatsTarget;

  /**
   * URL that answers 2xx when the API is healthy; recovery also waits for it, and rollout, drain
   * and observability-block probe it several times a second (each probe must answer within 2
   * seconds). curl fetches it as written (no globbing), so it must consist of URL characters.
   *
   * @default - for a HardenedDeployment with a Service, its Service URL and readiness path;
   * otherwise Deployment readiness only (rollout, drain and observability-block need one)
   */
  readonly healthUrl?: string;

  /**
   * Where the health URL leads, for the Job's NetworkPolicy. Needed for a health URL outside the
   * target's pods (an ingress, another Service) and for a target that is not a HardenedDeployment.
   *
   * @default - the target HardenedDeployment's pods on its container port
   */
  readonly healthEgress?: EgressRule[];

  /**
   * Consecutive healthy answers that count as recovered (api-kill, nats-kill, network-block; at
   * most 100, and they must fit in the recovery timeout at the poll interval).
   *
   * @default 3
   */
  readonly healthSuccesses?: number;

  /**
   * The recovery SLA the verdict is measured against. rollout, drain and observability-block
   * take an SLA without a recovery time: every probe must answer.
   *
   * @default - the scenario's SLA: 30 s, 60 s, 90 s; RecoverySla.ZERO_DOWNTIME for rollout and
   * drain, RecoverySla.OBSERVABILITY_FAILURE for observability-block
   */
  readonly sla?: RecoverySla;

  /**
   * How long to wait for recovery (rollout: for the rollout to complete; drain: for every pod to
   * be replaced) before reporting a timeout: whole seconds from the SLA (rollout, drain: the
   * target's progress deadline) to 7 days. Not for observability-block.
   *
   * @default - three times the SLA; rollout and drain: the target's replicas times its progress deadline
   */
  readonly recoveryTimeout?: Duration;

  /**
   * Time between two recovery checks (rollout, drain, observability-block: between two reads of
   * the Deployment, its pods or its policy; the health URL is probed in between several times a
   * second): whole seconds from 1 second to 1 hour.
   *
   * @default Duration.seconds(2)
   */
  readonly pollInterval?: Duration;

  /**
   * How long the partition lasts (network-block, observability-block): whole seconds from 1
   * second to 1 day.
   *
   * @default Duration.seconds(60)
   */
  readonly holdTime?: Duration;

  /**
   * The observability stack the target's pods reach (observability-block only): egress rules of
   * the target HardenedDeployment's NetworkPolicy, exactly as given to it (`egress` or
   * `addEgressRule`, before the experiment is created), such as
   * `EgressRule.toPods({ labels: { 'app.kubernetes.io/name': 'opentelemetry-collector' }, namespaceName: 'observability', ports: [4317] })`
   * or `EgressRule.toCidr('203.0.113.0/24', [443])`. The block removes exactly these rules from
   * that policy for the hold time, and puts them back.
   *
   * @default - required for observability-block
   */
  readonly observabilityEgress?: EgressRule[];

  /**
   * Traffic the partition cuts (network-block only). The other direction keeps exactly the
   * rules it had.
   *
   * @default ChaosDirection.BOTH
   */
  readonly direction?: ChaosDirection;

  /**
   * The Job's deadline; it must leave room for the hold time and the recovery timeout.
   *
   * @default - hold time + recovery timeout + 5 minutes
   */
  readonly activeDeadline?: Duration;

  /**
   * How long the finished Job and its result are kept.
   *
   * @default Duration.days(1)
   */
  readonly ttlAfterFinished?: Duration;

  /**
   * Image with kubectl, curl and jq, pinned by tag or digest.
   *
   * @default 'alpine/k8s:1.28.13'
   */
  readonly image?: string;

  /**
   * Metadata of the Job; its name (a DNS label of at most 63 characters) also names the
   * ServiceAccount, Role, RoleBinding and NetworkPolicy, and `<name>-scripts` the ConfigMap. Its
   * namespace (else the chart's) holds all of them, but the Role and RoleBinding of a nats-kill
   * with `nats.namespaceName` elsewhere, which live in the NATS namespace.
   *
   * @default - a name generated by cdk8s
   */
  readonly metadata?: ApiObjectMetadata;
}

const SCENARIO_SLA: Record<ChaosScenario, RecoverySla> = {
  [ChaosScenario.API_KILL]: RecoverySla.API_POD_KILL,
  [ChaosScenario.NATS_KILL]: RecoverySla.NATS_LEADER_ELECTION,
  [ChaosScenario.NETWORK_BLOCK]: RecoverySla.NETWORK_PARTITION,
  [ChaosScenario.ROLLOUT]: RecoverySla.ZERO_DOWNTIME,
  [ChaosScenario.DRAIN]: RecoverySla.ZERO_DOWNTIME,
  [ChaosScenario.OBSERVABILITY_BLOCK]: RecoverySla.OBSERVABILITY_FAILURE,
};

/** Where kubectl looks for the in-cluster credentials. */
/** Where the scenario scripts are mounted. */
const CHAOS_SCRIPTS_DIR = '/opt/chaos';
const TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Lifetime of the Job's projected token (the API server's minimum); the kubelet renews it while the pod runs. */
const TOKEN_SECONDS = 600;

/**
 * A chaos experiment: a Job that injects one fault, measures recovery and reports PASS or FAIL
 * against a recovery SLA, or that puts one availability promise to the test while probing the
 * API several times a second.
 *
 * - `api-kill` deletes one ready pod of the API Deployment; recovered when the Deployment has its
 *   desired number of ready pods again and the health URL answers healthily several times in a row.
 * - `nats-kill` deletes the JetStream meta leader pod (else one NATS pod) of the StatefulSet, in
 *   its own namespace if need be; recovered when the pod is replaced, every pod is ready, a meta
 *   leader is elected and every server answers nats-server's full `/healthz` (meta leader and
 *   streams current) several times in a row. The result names the old and the new meta leader.
 * - `network-block` switches the target's own NetworkPolicy to deny (one direction or both) for
 *   the hold time and back (also on failure and on SIGTERM at the deadline), and measures from there.
 * - `rollout` restarts the Deployment (`kubectl rollout restart`) and waits until the rollout is
 *   complete as `kubectl rollout status` decides; PASS when it completed and every probe answered.
 * - `drain` evicts every pod of the Deployment, one after the other, through the Eviction API (what
 *   `kubectl drain` does for each pod of a node, without node permissions), retrying when the
 *   disruption budget refuses; PASS when every pod was replaced, every probe answered and ready
 *   pods never fell below what the budget keeps.
 * - `observability-block` removes the egress rules that lead to the observability stack from the
 *   target's own NetworkPolicy for the hold time and puts them back; PASS when every probe
 *   answered (graceful degradation).
 *
 * Memory pressure has no scenario: no generic injector is safe for an arbitrary image (the
 * README says how to measure RecoverySla.MEMORY_PRESSURE by hand).
 *
 * The Job prints one JSON result (scenario, injectedAt, recoveredAt, recoverySeconds,
 * slaSeconds, verdict, ...; rollout, drain and observability-block add probesSent, probesFailed,
 * firstFailedProbe and longestGapSeconds) as the last line of its log and exits non-zero on
 * FAIL or timeout.
 * It runs under its own ServiceAccount with a short-lived projected token and a namespaced Role
 * holding only the verbs its scenario needs; it deletes its own RoleBinding before it ends, on
 * every exit path, so the access ends with the run. Its pod accepts no connections and may
 * reach only DNS, the probed pods and the API server. It never injects into a target that is
 * unhealthy before it starts.
 */
export class ChaosExperiment extends Construct {
  /** The Job. */
  public readonly job: kplus.Job;

  /** The Role that lets the Job act on its target (in the NATS namespace for a nats-kill across namespaces). */
  public readonly role: kplus.k8s.KubeRole;

  /** The RoleBinding the Job deletes when it ends. */
  public readonly roleBinding: kplus.k8s.KubeRoleBinding;

  /** The NetworkPolicy of the Job's pod: no ingress; egress to DNS, the probed pods and the API server. */
  public readonly networkPolicy: kplus.k8s.KubeNetworkPolicy;

  /** The SLA the verdict is measured against. */
  public readonly sla: RecoverySla;

  /** What a ChaosAdmissionPolicy needs to know of this experiment. @internal */
  public readonly _admission: ChaosAdmissionFacts;

  constructor(scope: Construct, id: string, props: ChaosExperimentProps) {
    super(scope, id);
    const scenario = props.scenario;
    // jsii languages pass the enum as a string: anything else must fail here, by name
    if (!Object.values(ChaosScenario).includes(scenario)) {
      throw invalidProp('scenario', `be a ChaosScenario (${Object.values(ChaosScenario).join(', ')})`, scenario);
    }
    assertMetadata('metadata', props.metadata);
    this.sla = props.sla ?? SCENARIO_SLA[scenario];

    const jobName = props.metadata?.name ?? Names.toDnsLabel(this);
    // every object lives in it but the Role and RoleBinding of a nats-kill across namespaces, which live in the NATS namespace
    const ownNamespace = constructNamespace(this, props.metadata);
    const target = props.target ? chaosTargetInfo(props.target) : undefined;
    const plan = (PROBED_SCENARIOS.includes(scenario) ? planProbedExperiment : planChaosExperiment)(props, this.sla, jobName, ownNamespace, target);

    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: jobName, namespace: ownNamespace },
      automountToken: false,
    });

    const scriptFiles = {
      'chaos-lib.sh': readAsset('chaos', 'chaos-lib.sh'),
      [`${scenario}.sh`]: readAsset('chaos', `${scenario}.sh`),
    };
    this.job = new kplus.Job(this, 'Resource', {
      metadata: { ...props.metadata, name: jobName, namespace: ownNamespace },
      backoffLimit: 0,
      activeDeadline: Duration.seconds(plan.activeDeadlineSeconds),
      ttlAfterFinished: Duration.seconds(plan.ttlSeconds),
      terminationGracePeriod: TERMINATION_GRACE.chaos,
      serviceAccount,
      // no legacy token: a projected one that expires (below) is mounted instead
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurity(DEFAULT_NON_ROOT_ID, DEFAULT_NON_ROOT_ID),
      containers: [{
        name: scenario,
        image: plan.image,
        imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
        command: verifiedScriptCommand(CHAOS_SCRIPTS_DIR, `${scenario}.sh`, scriptFiles),
        workingDir: '/tmp',
        securityContext: restrictedContainerSecurity(DEFAULT_NON_ROOT_ID, DEFAULT_NON_ROOT_ID),
        resources: {
          cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
        },
        envVariables: {
          NAMESPACE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
          POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
          HOME: kplus.EnvValue.fromValue('/home/chaos'),
          ...Object.fromEntries(Object.entries(plan.env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
        },
      }],
    });
    const name = this.job.name;
    const labels = { ...recommendedLabels({ name, instance: name, component: 'chaos-experiment' }), [CHAOS_SCENARIO_LABEL]: scenario };
    applyLabels(labels, this.job.metadata, this.job.podMetadata, serviceAccount.metadata);
    // the Job probes the target's pods through its Service, unless told where the health URL leads
    if (props.target instanceof HardenedDeployment && props.target.port !== undefined && props.healthEgress === undefined && plan.env.HEALTH_URL) {
      requireIngressAdmission(this, props.target, { labels, namespace: ownNamespace, port: props.target.port, what: 'the chaos Job\'s pods', name });
    }

    const scripts = immutableScripts(this, 'Scripts', { owner: name, namespace: ownNamespace, labels }, scriptFiles);
    const container = this.job.containers[0];
    mountScripts(this, container, scripts, CHAOS_SCRIPTS_DIR);
    mountScratch(this, container, 'HomeVolume', 'home', '/home/chaos', Size.mebibytes(32));
    mountScratch(this, container, 'TmpVolume', 'tmp', '/tmp', Size.mebibytes(16));
    const job = ApiObject.of(this.job);
    patchRestrictedPodSpec(job, '/spec/template/spec', { request: Size.mebibytes(32), limit: Size.mebibytes(128) });
    mountProjectedToken(job);

    const accessMetadata = { name: plan.accessName, namespace: plan.accessNamespace ?? ownNamespace, labels };
    this.role = new kplus.k8s.KubeRole(this, 'Role', { metadata: accessMetadata, rules: plan.rules });
    this.roleBinding = new kplus.k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: accessMetadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: plan.accessName },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, ...(plan.ownNamespace ? { namespace: plan.ownNamespace } : {}) }],
    });

    this._admission = {
      scenario,
      path: this.node.path,
      ownNamespace,
      serviceAccount: serviceAccount.name,
      labels,
      actingNamespace: plan.accessNamespace ?? ownNamespace,
      targetDeployment: target?.name,
      targetLabels: target?.matchLabels,
      targetPolicy: plan.env.TARGET_POLICY !== undefined && props.target instanceof HardenedDeployment ? props.target.networkPolicy : undefined,
      natsStatefulSet: props.nats?.statefulSetName,
      natsPodLabels: props.nats?.podLabels,
    };

    this.networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name, namespace: ownNamespace, labels },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'chaos-experiment' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: plan.egress,
      },
    });
  }
}

/**
 * The in-cluster credentials kubectl reads, as a projected volume: a token bound to the pod that
 * expires after TOKEN_SECONDS (renewed by the kubelet while the pod runs, invalid once the pod is
 * deleted), the cluster CA and the namespace. It replaces the auto-mounted token, whose
 * lifetime the API server may extend to a year (--service-account-extend-token-expiration).
 */
function mountProjectedToken(job: ApiObject): void {
  // KubeJob.toJson runs the patched spec through its typed converter, which reads the
  // TypeScript property names: `downwardApi` comes out as `downwardAPI`
  job.addJsonPatch(
    JsonPatch.add('/spec/template/spec/volumes/-', {
      name: 'kube-api-access',
      projected: {
        defaultMode: 0o444,
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: TOKEN_SECONDS } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    }),
    JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: 'kube-api-access', mountPath: TOKEN_DIR, readOnly: true }),
  );
}
