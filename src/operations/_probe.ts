import { code } from './_markdown';

/**
 * A synthesized probe in words: `GET /readyz` on port `8080`, a TCP connection to port `5672`, the
 * command `...`. A HardenedDeployment always has both probes, each one of HealthProbe's three kinds.
 */
export function probeText(probe: any): string {
  if (probe.httpGet) return `${code(`GET ${probe.httpGet.path}`)} on port ${code(probe.httpGet.port)}`;
  if (probe.tcpSocket) return `a TCP connection to port ${code(probe.tcpSocket.port)}`;
  return `the command ${code(probe.exec.command.join(' '))}`;
}

/**
 * The checklist's line on probes: both HTTP on one port as it always read (`GET /readyz`,
 * `GET /livez` on port `8080`), any other pair each in words.
 */
export function probesLine(readiness: any, liveness: any): string {
  if (readiness.httpGet && liveness.httpGet && readiness.httpGet.port === liveness.httpGet.port) {
    return `readiness ${code(`GET ${readiness.httpGet.path}`)}, liveness ${code(`GET ${liveness.httpGet.path}`)} on port ${code(readiness.httpGet.port)}`;
  }
  return `readiness ${probeText(readiness)}, liveness ${probeText(liveness)}`;
}
