import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { OperationsDocs, SoakProfile } from '../src';
import { describeWith } from './support/binaries';
import { kubectlCommandsIn } from './support/kubectl-command';
import { shellArgv } from './support/scripts';
import { SoakChart } from '../examples/api-service/on-demand-charts';
import { OrdersApiChart } from '../examples/api-service/orders-api-chart';

/**
 * Attack: the documents' commands are pasted into a shell, and a manifest's path comes from an
 * App's outdir. An outdir such as `on-demand;$(touch ...)` made `kubectl apply -f <path>` run the
 * command substitution. Every path is one shell word now: each command below runs under dash with
 * a kubectl that prints its arguments, and the path must arrive as written, nothing else run.
 */
describeWith(['dash'], 'operations documents: manifest paths in commands', () => {
  let work: string;
  beforeEach(() => { work = mkdtempSync(join(tmpdir(), 'docs-quoting-')); });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  test('an outdir with shell syntax reaches kubectl as one argument and runs nothing', () => {
    const marker = join(work, 'PWNED');
    const hostile = `on-demand;$(touch ${marker}) it's`;
    const app = new App({ outdir: 'dist' });
    const production = new OrdersApiChart(app, 'orders-api');
    const onDemand = new App({ outdir: `dist/${hostile}` });
    new SoakChart(onDemand, 'orders-soak-quick', { api: production.api, profile: SoakProfile.QUICK });
    const docs = new OperationsDocs(app, { onDemand: [onDemand] }).render();
    const commands = docs.flatMap((d) => kubectlCommandsIn(d.markdown)).filter((c) => c.includes(hostile.slice(0, 10)));
    expect(commands.length).toBeGreaterThan(1);

    const bin = join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'kubectl'), '#!/bin/sh\nprintf "%s\\n" "$@"\n');
    chmodSync(join(bin, 'kubectl'), 0o755);
    for (const command of commands) {
      const result = spawnSync(shellArgv('dash')[0], ['-c', command], { encoding: 'utf8', cwd: work, env: { PATH: bin } });
      expect(result.stderr).toBe('');
      const args = result.stdout.trim().split('\n');
      const files = args.filter((_a, i) => args[i - 1] === '-f');
      expect(files).toContain(`${hostile}/orders-soak-quick.k8s.yaml`);
    }
    expect(existsSync(marker)).toBe(false);
  });
});
