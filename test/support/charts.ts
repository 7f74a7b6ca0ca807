import { Chart, Testing, Yaml } from 'cdk8s';

/** A fresh chart in a fresh app, the way every test starts. */
export function newChart(id = 'test'): Chart {
  return new Chart(Testing.app(), id);
}

/** The YAML `cdk8s synth` would write for these objects; what snapshots pin. */
export function toYaml(objects: any[]): string {
  return Yaml.stringify(...objects);
}
