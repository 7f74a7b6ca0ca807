/*
 * STAND-IN part: validating admission policies (admissionregistration.k8s.io/v1), applied after RBAC
 * to every request that writes, as the API server does. The CEL is evaluated by @bufbuild/cel, a CEL
 * evaluator that passes the cel-spec conformance suite (no Go toolchain reaches this machine for
 * cel-go). It evaluates untyped, as the API server's runtime does once its type check has passed:
 * reading a field that is not set is an error, `has()` tests it. What the rest follows (kubernetes/
 * apiserver v0.30.14):
 * - pkg/admission/plugin/policy/matching/matching.go Matches: the namespaceSelector (every namespace
 *   carries the label kubernetes.io/metadata.name with its name), then the resourceRules: one must
 *   match and, when it lists resourceNames, name the request's object;
 * - pkg/admission/plugin/webhook/predicates/rules/rules.go: operation, group, version, and resource
 *   with subresource (`pods` never matches `pods/eviction`, `*` and `pods/*` are wildcards);
 * - validating/validator.go Validate: every matchCondition must be true, else the policy does not
 *   apply; then each validation: false denies with its message (else `failed expression: <expression>`)
 *   and its reason (else Invalid); an evaluation error denies under failurePolicy Fail (the default)
 *   with the error as message, and admits under Ignore;
 * - validating/dispatcher.go: only bindings whose policy applies and whose matchResources match take
 *   part; a Deny among the binding's validationActions refuses, Warn and Audit let the request
 *   through; the first refusal becomes admission.NewForbidden with the message
 *   `ValidatingAdmissionPolicy '<policy>' with binding '<binding>' denied request: <message>`, then
 *   takes the decision's reason and its code (Forbidden 403, Invalid 422);
 * - pkg/admission/errors.go extractResourceName: the request's name and its group resource, without
 *   the subresource (`pods "x" is forbidden`), as apimachinery NewForbidden words it.
 * The CEL variables are object (null for DELETE), oldObject (null for CREATE) and request (operation,
 * name, namespace, resource, subResource, userInfo.username); `params`, `namespaceObject` and
 * `authorizer` are not offered, and a policy that reads them fails here.
 */
const { matchesLabelSelector } = require('./selector');

/** JSON as CEL sees a Kubernetes object: maps, lists, int64 for whole numbers (CEL's int), strings. */
function toCel(value) {
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}

function splitResource(resource) {
  const i = resource.indexOf('/');
  return i < 0 ? [resource, ''] : [resource.slice(0, i), resource.slice(i + 1)];
}

const exactOrWildcard = (items, value) => (items ?? []).some((i) => i === '*' || i === value);

function ruleMatches(rule, request) {
  return exactOrWildcard(rule.operations, request.operation)
    && exactOrWildcard(rule.apiGroups, request.group)
    && exactOrWildcard(rule.apiVersions, request.version)
    && (rule.resources ?? []).some((r) => {
      const [res, sub] = splitResource(r);
      return (res === '*' || res === request.resource) && (sub === '*' || sub === (request.subresource ?? ''));
    })
    && ((rule.resourceNames ?? []).length === 0 || rule.resourceNames.includes(request.name));
}

function constraintsMatch(match, request) {
  if (match?.namespaceSelector && !matchesLabelSelector(match.namespaceSelector, { 'kubernetes.io/metadata.name': request.namespace })) return false;
  const rules = match?.resourceRules ?? [];
  return rules.length === 0 || rules.some((r) => ruleMatches(r, request));
}

/** The CEL result: true, false, or an error message (a CelError value, or a result that is no bool). */
function evaluate(expression, bindings) {
  const { run } = require('@bufbuild/cel');
  let result;
  try {
    result = run(expression, bindings);
  } catch (e) {
    return { error: e.message };
  }
  if (typeof result === 'boolean') return { value: result };
  return { error: result instanceof Error ? result.message : `expression did not evaluate to a bool: ${String(result)}` };
}

/** The decisions of one policy for a request: [{message, reason}] of every refusal (an empty list admits). */
function refusals(policy, request, bindings) {
  const spec = policy.spec ?? {};
  const fail = (spec.failurePolicy ?? 'Fail') === 'Fail';
  for (const condition of spec.matchConditions ?? []) {
    const r = evaluate(condition.expression, bindings);
    if (r.error !== undefined) return fail ? [{ message: r.error, reason: 'Invalid' }] : [];
    if (!r.value) return [];
  }
  const denied = [];
  for (const v of spec.validations ?? []) {
    const r = evaluate(v.expression, bindings);
    if (r.error !== undefined) {
      if (fail) denied.push({ message: r.error, reason: 'Invalid' });
    } else if (!r.value) {
      denied.push({ message: (v.message ?? '').trim() || `failed expression: ${v.expression.trim()}`, reason: v.reason ?? 'Invalid' });
    }
  }
  return denied;
}

const CODES = { Forbidden: 403, Invalid: 422 };

/**
 * Runs the admission policies in `state.admission` ([ValidatingAdmissionPolicy and
 * ValidatingAdmissionPolicyBinding objects]) on a request {operation, group, version, resource,
 * subresource, namespace, name, object, oldObject, username}. Returns null when admitted, else
 * {reason, code, message} as the API server answers; every evaluated request is logged in
 * `state.admitted` or `state.refused`.
 */
function admit(state, request) {
  const objects = state.admission ?? [];
  if (objects.length === 0) return null;
  const bindings = {
    object: toCel(request.object ?? null),
    oldObject: toCel(request.oldObject ?? null),
    request: toCel({
      operation: request.operation,
      name: request.name,
      namespace: request.namespace,
      resource: { group: request.group, version: request.version, resource: request.resource },
      subResource: request.subresource ?? '',
      userInfo: { username: request.username },
    }),
  };
  const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
  const summary = { operation: request.operation, resource: request.resource, subresource: request.subresource, namespace: request.namespace, name: request.name };
  for (const binding of objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding')) {
    const policy = policies.find((p) => p.metadata.name === binding.spec.policyName);
    if (!policy || !constraintsMatch(policy.spec.matchConstraints, request) || !constraintsMatch(binding.spec.matchResources, request)) continue;
    const denied = refusals(policy, request, bindings);
    if (denied.length > 0 && (binding.spec.validationActions ?? []).includes('Deny')) {
      const qualified = request.group ? `${request.resource}.${request.group}` : request.resource;
      const message = `${qualified} "${request.name}" is forbidden: ValidatingAdmissionPolicy '${policy.metadata.name}' with binding '${binding.metadata.name}' denied request: ${denied[0].message}`;
      state.refused = [...(state.refused ?? []), { ...summary, message }];
      return { reason: denied[0].reason, code: CODES[denied[0].reason] ?? 422, message };
    }
  }
  state.admitted = [...(state.admitted ?? []), summary];
  return null;
}

module.exports = { admit, toCel };
