import { App, Duration } from 'cdk8s';
import { HardeningAlerts } from '../src';
import { describeWith } from './support/binaries';
import { onlyOfKind, synthValid } from './support/manifests';
import { promtool, runPromtoolFixture, writeRuleFile } from './support/promtool';
import { exampleApps } from '../examples/api-service/apps';
import { OrdersApiChart } from '../examples/api-service/orders-api-chart';

/** The rule groups the example's production chart emits, with the on-demand chaos and soak charts watched as main.ts does. */
function exampleGroups(): any[] {
  const { production } = exampleApps();
  return onlyOfKind(synthValid(production), 'PrometheusRule').spec.groups;
}

// each test synthesizes the example itself: synthesized while jest collects the file, it would count as no test's work in a mutation run
describeWith(['promtool'], 'promtool', () => {
  test('promtool check rules accepts every emitted group on its own', () => {
    const groups = exampleGroups();
    expect(groups.map((g) => g.name)).toEqual([
      'hardened-deployment/orders/orders-api',
      'nats-backup/orders/orders-jetstream-backup',
      'nats-restore-drill/orders/orders-jetstream-drill',
      'soak-job/orders/orders-soak-quick',
      'soak-job/orders/orders-soak-staging',
      'soak-job/orders/orders-soak-production',
      'chaos-experiment/orders/orders-chaos-api-kill',
      'chaos-experiment/orders/orders-chaos-nats-kill',
      'chaos-experiment/orders/orders-chaos-network-block',
      'chaos-experiment/orders/orders-chaos-rollout',
      'chaos-experiment/orders/orders-chaos-drain',
      'chaos-experiment/orders/orders-chaos-observability-block',
    ]);
    for (const group of groups) {
      const result = promtool(['check', 'rules', 'rules.yaml'], writeRuleFile([group]));
      expect(result).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${group.rules.length} rules found`) });
    }
  });

  test('promtool test rules chaos-access.yaml: a chaos RoleBinding that outlives its runs alerts (roleBindingMetrics)', () => {
    const { production, onDemand } = exampleApps();
    new HardeningAlerts(production, 'access', { scopes: [onDemand], roleBindingMetrics: true, metadata: { name: 'orders-chaos-access' } });
    const rule = synthValid(production).find((o) => o.kind === 'PrometheusRule' && o.metadata.name === 'orders-chaos-access');
    const groups = rule.spec.groups.filter((g: any) => g.name.startsWith('chaos-experiment/'));
    expect(groups.map((g: any) => g.rules.map((r: any) => r.alert))).toEqual(groups.map(() => ['ChaosExperimentFailed', 'ChaosAccessLeftBehind']));
    for (const group of groups) expect(promtool(['check', 'rules', 'rules.yaml'], writeRuleFile([group])).status).toBe(0);
    const result = runPromtoolFixture('chaos-access.yaml', groups);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  test('promtool check rules refuses a broken expression (the check can fail)', () => {
    const broken = [{ name: 'broken', rules: [{ alert: 'Broken', expr: 'max by (namespace (up)', for: '5m' }] }];
    expect(promtool(['check', 'rules', 'rules.yaml'], writeRuleFile(broken)).status).toBe(1);
  });

  test.each([
    ['nats-backup.yaml', 'nats-backup/'],
    ['nats-restore-drill.yaml', 'nats-restore-drill/'],
    ['hardened-deployment.yaml', 'hardened-deployment/'],
    ['jobs.yaml', ''],
  ])('promtool test rules %s: every alert fires when it should and stays silent when it should not', (fixture, groupPrefix) => {
    const groups = exampleGroups();
    const result = runPromtoolFixture(fixture, groups.filter((g) => g.name.startsWith(groupPrefix)));
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  test('the fixtures can fail: without the margin a backup 25 h old alerts, which nats-backup.yaml refuses', () => {
    const production = new OrdersApiChart(new App(), 'orders-api');
    new HardeningAlerts(production, 'no-margin', { backupMargin: Duration.seconds(0), scopes: [production.backup] });
    const noMargin = synthValid(production).find((o) => o.kind === 'PrometheusRule' && o.metadata.name !== 'orders-alerts').spec.groups;
    const result = runPromtoolFixture('nats-backup.yaml', noMargin);
    expect(result.status).toBe(1);
    expect(result.output).toContain('alertname: NatsBackupMissing, time: 1d1h');
  });
});
