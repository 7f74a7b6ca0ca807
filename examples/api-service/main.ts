import { OperationsDocs } from 'cdk8s-hardening';
import { exampleApps } from './apps';

const { app, onDemand } = exampleApps();
app.synth();
onDemand.synth();
// dist/RUNBOOK.md, DEPLOYMENT-CHECKLIST.md, CHAOS-BASELINE.md and SOAK-BASELINE.md, next to the manifests they name.
new OperationsDocs(app, { onDemand: [onDemand] }).write();
