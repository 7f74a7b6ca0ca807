import { runInNewContext } from 'vm';

/**
 * Evaluates a generated k6 script in Node with STAND-INS for the k6 runtime modules (k6,
 * k6/http, k6/metrics), which exist only inside the k6 binary. The script's own code (its
 * config, options, endpoint choice and handleSummary) runs unchanged; only the `import` lines
 * are replaced and `export` keywords dropped.
 */
export interface LoadedK6Script {
  readonly options: any;
  readonly handleSummary: (data: any) => Record<string, string>;
}

export function loadK6Script(script: string, env: Record<string, string> = {}): LoadedK6Script {
  const body = script
    .replace(/^import .*$/gm, '')
    .replace(/^export (const|function) /gm, '$1 ');
  const standIns = `
    const http = { request() { throw new Error('no HTTP in the summary test'); }, expectedStatuses: (...s) => ({ s }) };
    const check = () => true;
    const sleep = () => undefined;
    class Counter { add() {} }
    class Rate { add() {} }
  `;
  return runInNewContext(`${standIns}\n${body}\n({ options, handleSummary });`, { __ENV: env, Math, JSON, Object, String, isFinite });
}
