import { spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'fs';
import { join } from 'path';

// The real cdk8s CLI runs an app that imports the compiled package (lib/, built by the
// compile step of `npm test`), as a user's CI would.
describe('cdk8s synth with HardeningChecks', () => {
  const root = join(__dirname, '..');

  test('a plain cdk8s-plus Deployment fails synth, naming the missing probe, seccomp profile, dropped capabilities and PDB', () => {
    if (!existsSync(join(root, 'lib', 'index.js'))) throw new Error('lib/ is missing: compile first (npx projen compile), as npm test does');
    // inside the repository, so the app resolves cdk8s and cdk8s-plus-28 as a user's app would
    mkdirSync(join(root, '.tmp'), { recursive: true });
    const app = mkdtempSync(join(root, '.tmp', 'naive-app-'));
    try {
      cpSync(join(__dirname, 'fixtures', 'naive-app'), app, { recursive: true });
      expect(spawnSync('node', [join(root, 'scripts', 'link-example.js'), app]).status).toBe(0);
      const result = spawnSync(join(root, 'node_modules', '.bin', 'cdk8s'), ['synth'], {
        cwd: app, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' }, timeout: 120_000,
      });
      const output = result.stdout + result.stderr;
      expect(result.status).not.toBe(0);
      expect(output).toContain('hardening checks: 8 errors, 3 warnings, 0 suppressed');
      expect(output).toContain('error readiness-probe');
      expect(output).toContain('container main has no seccomp profile RuntimeDefault or Localhost');
      expect(output).toContain('container main does not drop ALL capabilities');
      expect(output).toContain('error replicas-and-budget');
      expect(output).toContain('no PodDisruptionBudgets select its pods');
      expect(existsSync(join(app, 'dist', 'naive.k8s.yaml'))).toBe(false);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
