import { commandProblems, kubectlCommandsIn, parseKubectl, shellWords } from './support/kubectl-command';

// The check the operations documents go through must catch what a rename or a typo would leave behind.
describe('kubectl commands of the documents', () => {
  const deployment = {
    kind: 'Deployment',
    metadata: { name: 'orders-api', namespace: 'orders', labels: { 'app.kubernetes.io/instance': 'orders-api' } },
    spec: { template: { metadata: { labels: { 'app.kubernetes.io/instance': 'orders-api', 'app.kubernetes.io/name': 'orders-api' } } } },
  };
  const job = {
    kind: 'Job',
    metadata: { name: 'orders-chaos-api-kill', namespace: 'orders', labels: { 'app.kubernetes.io/instance': 'orders-chaos-api-kill' } },
    spec: { template: { metadata: { labels: { 'app.kubernetes.io/instance': 'orders-chaos-api-kill' } } } },
  };
  const role = {
    kind: 'Role',
    metadata: { name: 'orders-chaos-nats-kill', namespace: 'messaging' },
    rules: [{ apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['nats'], verbs: ['get'] }],
  };
  const cronJob = {
    kind: 'CronJob',
    metadata: { name: 'orders-backup', namespace: 'orders' },
    spec: { jobTemplate: { spec: { template: { metadata: { labels: { 'app.kubernetes.io/instance': 'orders-backup' } } } } } },
  };
  const objects = [deployment, job, role, cronJob];
  const files = new Map<string, any[]>([['orders-api.k8s.yaml', [deployment]], ['on-demand/orders-chaos.k8s.yaml', [job, role]]]);
  const problems = (text: string) => commandProblems(parseKubectl(text), objects, files);
  /** The selector of one run's pods by its Job's uid, as the documents write it. */
  const uidOf = (ns: string, name: string) => `"batch.kubernetes.io/controller-uid=$(kubectl -n ${ns} get job ${name} -o jsonpath='{.metadata.uid}')"`;

  test('commands that name existing objects, files and selectors pass', () => {
    expect(problems('kubectl -n orders rollout status deployment/orders-api --timeout=300s')).toEqual([]);
    expect(problems('kubectl -n orders rollout undo deployment/orders-api --to-revision=<revision>')).toEqual([]);
    expect(problems('kubectl apply -f on-demand/orders-chaos.k8s.yaml -l app.kubernetes.io/instance=orders-chaos-api-kill')).toEqual([]);
    expect(problems('kubectl -n orders get pods -l app.kubernetes.io/instance=orders-api -o jsonpath=\'{.items[0].metadata.name}\'')).toEqual([]);
    expect(problems('kubectl -n orders logs -f job/orders-chaos-api-kill')).toEqual([]);
    expect(problems('kubectl -n orders wait --for=condition=complete --timeout=60s "job/$job"')).toEqual([]);
    expect(problems('kubectl -n messaging get statefulset nats -w')).toEqual([]);
    expect(problems('kubectl -n orders create job --from=cronjob/orders-backup orders-backup-manual-$(date +%s)')).toEqual([]);
    expect(problems(`kubectl -n orders get pods -l ${uidOf('orders', 'orders-chaos-api-kill')} -o jsonpath='{.items[0].metadata.name}'`)).toEqual([]);
  });

  test('the pods of a Job by its uid: the Job must exist, in the namespace of its pods', () => {
    expect(problems(`kubectl -n orders get pods -l ${uidOf('orders', 'orders-chaos-drain')}`)).toEqual(['no Job orders-chaos-drain in orders']);
    expect(problems(`kubectl -n orders get pods -l ${uidOf('shop', 'orders-chaos-api-kill')}`)).toEqual(['the Job\'s uid is read in namespace shop, its pods listed in orders']);
  });

  test('a renamed or misspelled object, a wrong namespace, a missing file, a selector that selects nothing fail', () => {
    expect(problems('kubectl -n orders rollout status deployment/orders-app')).toEqual(['Deployment orders-app is not in namespace orders']);
    expect(problems('kubectl -n shop get deployment orders-api')).toEqual(['Deployment orders-api is not in namespace shop']);
    expect(problems('kubectl apply -f on-demand/orders-restore.k8s.yaml')).toEqual(['file on-demand/orders-restore.k8s.yaml does not exist']);
    expect(problems('kubectl apply -f on-demand/orders-chaos.k8s.yaml -l app.kubernetes.io/instance=orders-chaos-drain'))
      .toEqual(['-l app.kubernetes.io/instance=orders-chaos-drain selects no object of on-demand/orders-chaos.k8s.yaml']);
    expect(problems('kubectl -n orders get pods -l app=orders')).toEqual(['-l app=orders selects no pods of a workload in orders']);
    expect(problems('kubectl -n orders get pods')).toEqual(['kubectl -n orders get pods lists every Pod of the namespace: name one or select by label']);
    expect(problems('kubectl -n orders get deployment "$name"')).toEqual(['only Jobs made at run time may be named by a placeholder, got Deployment $name']);
    expect(problems('kubectl -n orders get statefulset nats')).toEqual(['StatefulSet nats is not in namespace orders']);
    expect(problems('kubectl -n orders create job --from=cronjob/orders-backups orders-backup-manual-$(date +%s)')).toEqual(['CronJob orders-backups is not in namespace orders']);
    expect(problems('kubectl -n orders get jobs --sort-by=.metadata.creationTimestamp'))
      .toEqual(['kubectl -n orders get jobs --sort-by=.metadata.creationTimestamp lists every Job of the namespace: name one or select by label']);
  });

  test('forms the documents do not use are refused, not waved through', () => {
    expect(() => parseKubectl('kubectl -n orders exec deployment/orders-api')).toThrow('unknown kubectl verb exec');
    expect(() => parseKubectl('kubectl -n orders rollout restart deployment/orders-api')).toThrow('unknown rollout verb restart');
    expect(() => parseKubectl('kubectl -n orders get widgets x')).toThrow('unknown resource type widgets');
    expect(() => parseKubectl('kubectl -n orders scale deployment/orders-api --replica=2')).toThrow('kubectl scale takes no flag replica');
    expect(() => parseKubectl('kubectl apply')).toThrow('kubectl apply needs -f');
    expect(() => parseKubectl('kubectl -n orders run x -l app=x --image=busybox:1.36')).toThrow('kubectl run takes no flag l');
    expect(() => parseKubectl('kubectl -n orders create deployment x')).toThrow('only "create job --from=cronjob/NAME" is known');
    expect(() => parseKubectl("kubectl -n orders get pdb x -o 'jsonpath")).toThrow('unterminated quote');
    expect(() => parseKubectl('kubectl -n orders create job --from=cronjob/x x-$(date +%s')).toThrow('unterminated $( in: kubectl -n orders create job --from=cronjob/x x-$(date +%s');
  });

  test('commands are found in fenced blocks (indented ones too) and inline code, cut where sh ends them', () => {
    const markdown = [
      'Run `kubectl -n orders get pdb orders-api-pdb` first.',
      '1. Then:',
      '   ```sh',
      '   kubectl -n orders logs job/x --tail=8 | tail -n 1   # the result',
      "   code=$(kubectl -n orders get pods -l a=b -o jsonpath='{.items[?(@.x==\"y\")].z}')",
      '   kubectl -n orders create job --from=cronjob/x x-manual-$(date +%s) && echo started',
      '   ```',
    ].join('\n');
    expect(kubectlCommandsIn(markdown)).toEqual([
      'kubectl -n orders logs job/x --tail=8',
      "kubectl -n orders get pods -l a=b -o jsonpath='{.items[?(@.x==\"y\")].z}'",
      'kubectl -n orders create job --from=cronjob/x x-manual-$(date +%s)',
      'kubectl -n orders get pdb orders-api-pdb',
    ]);
    expect(shellWords('a "b c" \'d "e"\' "f\\"g" "$job"')).toEqual(['a', 'b c', 'd "e"', 'f"g', '$job']);
    expect(shellWords('x-manual-$(date +%s) "$(date)" y')).toEqual(['x-manual-$(date +%s)', '$(date)', 'y']);
  });
});
