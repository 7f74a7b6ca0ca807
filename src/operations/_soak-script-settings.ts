/**
 * The settings a SoakJob wrote into its k6 script: the k6 `options` (scenarios per window,
 * thresholds) and the script's `CONFIG` (endpoints, breaker, leak analysis), read back from the
 * synthesized script as `renderSoakScript` wrote them (JSON literals, see ../_soak-script.ts).
 */
export interface SoakScriptSettings {
  readonly options: {
    readonly scenarios: Record<string, { vus: number; startTime: string; duration: string; gracefulStop: string }>;
    readonly thresholds: Record<string, string[]>;
  };
  readonly config: {
    readonly baseUrl: string;
    readonly endpoints: Array<{ name: string; method: string; path: string; weight: number; expectedStatus: number }>;
    readonly thinkTimeSeconds: number;
    readonly breaker: { statuses: number[]; header: string | null; headerValue: string | null };
    readonly analysis: { profile: string; vus: number; durationSeconds: number; maxLatencyGrowth: number };
  };
}

export function soakScriptSettings(script: string): SoakScriptSettings {
  return { config: literalAfter(script, 'const CONFIG = '), options: literalAfter(script, 'export const options = ') };
}

/** The JSON literal after `marker`: pretty-printed, it ends at the first `}` that starts a line. */
function literalAfter(script: string, marker: string): any {
  const start = script.indexOf(marker);
  const end = script.indexOf('\n}', start);
  if (start < 0 || end < 0) throw new Error(`the soak script has no ${marker.trim()} literal`);
  return JSON.parse(script.slice(start + marker.length, end + 2));
}
