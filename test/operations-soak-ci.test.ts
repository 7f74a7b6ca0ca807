import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { OperationsDocs, SoakProfile } from '../src';
import { describeWith } from './support/binaries';
import { runScript, SHELLS } from './support/scripts';
import { SoakChart } from '../examples/api-service/on-demand-charts';
import { OrdersApiChart } from '../examples/api-service/orders-api-chart';

/**
 * A kubectl stand-in for the calls of the CI step, as kubectl v0.28.15 answers them:
 * - `get job -o jsonpath='{.status.conditions[?(@.status=="True")].type}'` prints the types of the
 *   true conditions separated by spaces, nothing while none is true (client-go util/jsonpath prints
 *   several results separated by a space; kubernetes docs/user-guide/jsonpath.md `{..name}`); since
 *   Kubernetes 1.31 a failing Job shows `FailureTarget` before `Failed`, a succeeding one
 *   `SuccessCriteriaMet` before `Complete` (pkg/controller/job/job_controller.go);
 * - `get job -o jsonpath='{.metadata.uid}'` prints the Job's uid;
 * - `get pods -l batch.kubernetes.io/controller-uid=<uid> -o jsonpath='{.items[0]...exitCode}'` prints
 *   the exit code of the Job's own pod (the API server labels a Job's pods with its uid since
 *   Kubernetes 1.27, pkg/apis/batch/types.go ControllerUidLabel), and fails with "array index out of
 *   bounds" (exit 1) when no pod is left, as after a deadline that deleted it. Any other selector
 *   (the pod template's labels) also finds $FAKE_PLANTED_EXIT: a pod someone else created with them.
 * The states come one per poll from $FAKE_STATES (`|`-separated); every call is logged.
 */
const JOB_UID = '6f1c2b1e-3d0a-4c55-9a41-0d8e2f7b9c10';
const KUBECTL = `#!/bin/sh
echo "$*" >> "$FAKE_DIR/calls"
out_of_bounds() { echo 'error: error executing jsonpath: array index out of bounds: index 0, length 0' >&2; exit 1; }
case "$*" in
  *"get job"*"{.metadata.uid}"*) printf '%s' "${JOB_UID}" ;;
  *"get job"*jsonpath*)
    n=$(cat "$FAKE_DIR/polls" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$FAKE_DIR/polls"
    printf '%s' "$FAKE_STATES" | cut -d '|' -f "$n" ;;
  *"get pods -l batch.kubernetes.io/controller-uid=${JOB_UID} "*exitCode*)
    [ -n "$FAKE_EXIT" ] || out_of_bounds
    printf '%s' "$FAKE_EXIT" ;;
  *"get pods"*exitCode*)
    [ -n "\${FAKE_PLANTED_EXIT:-}" ] || out_of_bounds
    printf '%s' "$FAKE_PLANTED_EXIT" ;;
  *logs*) echo "soak verdict: FAKE" ;;
esac
exit 0
`;

describeWith(['dash', 'busybox', 'shellcheck'], 'SOAK-BASELINE.md: the CI step', () => {
  const app = new App({ outdir: 'dist' });
  const production = new OrdersApiChart(app, 'orders-api');
  const onDemand = new App({ outdir: 'dist/on-demand' });
  new SoakChart(onDemand, 'orders-soak-quick', { api: production.api, profile: SoakProfile.QUICK });
  const soak = new OperationsDocs(app, { onDemand: [onDemand] }).render().find((d) => d.fileName === 'SOAK-BASELINE.md')!.markdown;
  // the `run: |` block of the step, as the runner hands it to the shell
  const yaml = /```yaml\n([\s\S]*?)```/.exec(soak)![1];
  const script = yaml.slice(yaml.indexOf('  run: |\n') + '  run: |\n'.length).split('\n').map((l) => l.replace(/^ {4}/, '')).join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'soak-ci-'));
  const bin = join(dir, 'bin');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    mkdirSync(bin);
    writeFileSync(join(bin, 'kubectl'), KUBECTL);
    writeFileSync(join(bin, 'sleep'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'kubectl'), 0o755);
    chmodSync(join(bin, 'sleep'), 0o755);
    writeFileSync(join(dir, 'step.sh'), script);
  });

  const run = (shell: string, states: string, exit: string, planted = '') => {
    const fake = mkdtempSync(join(dir, 'run-'));
    const env = { FAKE_DIR: fake, FAKE_STATES: states, FAKE_EXIT: exit, FAKE_PLANTED_EXIT: planted };
    const result = runScript(shell, join(dir, 'step.sh'), env, [bin, process.env.PATH!]); // a CI runner's step, not an image
    return { ...result, calls: readFileSync(join(fake, 'calls'), 'utf8').trim().split('\n') };
  };

  test('the step applies the Job\'s file, after deleting an earlier run', () => {
    expect(script).toContain('kubectl apply -f on-demand/orders-soak-quick.k8s.yaml');
  });

  test('the step is shellcheck clean as POSIX sh', () => {
    const result = spawnSync('shellcheck', ['-s', 'sh', join(dir, 'step.sh')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test.each(SHELLS)('%s: passes when the Job completes with exit 0, after polling while it runs', (shell) => {
    const result = run(shell, '||SuccessCriteriaMet Complete', '0');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('soak verdict: FAKE');
    expect(result.stdout).toContain('soak exit code: 0');
    expect(result.calls.filter((c) => c.includes('get job'))).toHaveLength(3);
    expect(result.calls[0]).toBe('-n orders delete job orders-soak-quick --ignore-not-found --wait=true');
    expect(result.calls[1]).toBe('apply -f on-demand/orders-soak-quick.k8s.yaml');
  });

  test.each(SHELLS)('%s: fails with the Job\'s exit code: 99 for a failed threshold, 90 for a failed verdict', (shell) => {
    expect(run(shell, '|FailureTarget|FailureTarget Failed', '99').status).toBe(99);
    expect(run(shell, 'Failed', '90').status).toBe(90);
  });

  test.each(SHELLS)('%s: fails when the pod is gone and no exit code can be read', (shell) => {
    const result = run(shell, 'Failed', '');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('soak exit code: unknown');
  });

  // A pod that carries the soak pods' labels (a TestRun runner, a pod someone created) and exited 0
  // used to be the one `-l app.kubernetes.io/instance=...` read first: a failed soak passed CI.
  test.each(SHELLS)('%s: a failed Job fails the step whatever another pod with its labels says', (shell) => {
    const gone = run(shell, 'Failed', '', '0');
    expect(gone.status).toBe(1);
    expect(gone.calls).toContain(`-n orders get pods -l batch.kubernetes.io/controller-uid=${JOB_UID} -o jsonpath={.items[0].status.containerStatuses[0].state.terminated.exitCode}`);
    // even a pod that forged the Job's uid label and exited 0 cannot turn Failed into a pass
    expect(run(shell, 'Failed', '0').status).toBe(1);
  });

  test('the exit code is read from the pod the Job owns, by its uid, in the documents too', () => {
    const docs = new OperationsDocs(app, { onDemand: [onDemand] }).render();
    const lines = docs.flatMap((d) => d.markdown.split('\n')).filter((l) => l.includes('exitCode'));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line).toMatch(/get pods -l "batch\.kubernetes\.io\/controller-uid=\$\(kubectl (-n \S+ )?get job \S+ -o jsonpath='\{\.metadata\.uid\}'\)"/);
  });
});
