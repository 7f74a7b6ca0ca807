/*
 * STAND-IN part: validating admission policies (admissionregistration.k8s.io/v1), applied after RBAC
 * to every request that writes, as the API server does. The CEL is evaluated by @bufbuild/cel, a CEL
 * evaluator that passes the cel-spec conformance suite (no Go toolchain reaches this machine for
 * cel-go). It evaluates untyped, as the API server does (plugin/cel/compile.go declares object and
 * oldObject dyn; the check against the OpenAPI schema only writes warnings to the policy's status):
 * reading a field that is not set is an error, `has()` tests it. What the rest follows (kubernetes/
 * apiserver v0.30.14):
 * - pkg/admission/plugin/policy/matching/matching.go Matches: the namespaceSelector (every namespace
 *   carries the label kubernetes.io/metadata.name with its name), then the resourceRules: one must
 *   match and, when it lists resourceNames, name the request's object;
 * - pkg/admission/plugin/webhook/predicates/rules/rules.go: operation, group, version, and resource
 *   with subresource (`pods` never matches `pods/eviction`, `*` and `pods/*` are wildcards);
 * - webhook/matchconditions/matcher.go Match: a matchCondition that is false makes the policy not
 *   apply, whatever errors the others had; otherwise their errors (joined as an aggregate: one
 *   message, or `[a, b]`) deny under failurePolicy Fail (the default) and skip the policy under Ignore;
 * - validating/validator.go Validate: each validation: false denies with its message (else `failed
 *   expression: <expression>`) and its reason (else Invalid); an evaluation error denies under Fail,
 *   with the message `expression '<expression>' resulted in error: <error>` (plugin/cel/filter.go),
 *   and admits under Ignore;
 * - validating/dispatcher.go: only bindings whose policy applies and whose matchResources match take
 *   part; a Deny among the binding's validationActions refuses, Warn and Audit let the request
 *   through; the first refusal becomes admission.NewForbidden with the message
 *   `ValidatingAdmissionPolicy '<policy>' with binding '<binding>' denied request: <message>`, then
 *   takes the decision's reason and its code (Forbidden 403, Invalid 422);
 * - pkg/admission/errors.go extractResourceName: the request's name and its group resource, without
 *   the subresource (`pods "x" is forbidden`), as apimachinery NewForbidden words it.
 * The CEL variables are object (null for DELETE), oldObject (null for CREATE) and request (operation,
 * name, namespace, resource, subResource, userInfo.username); `params`, `namespaceObject` and
 * `authorizer` are not offered. A policy that uses what the stand-in does not play (paramKind,
 * variables, messageExpression, auditAnnotations, objectSelector, excludeResourceRules) is refused
 * with an error rather than half applied.
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

/** The CEL result: true, false, or the error as the API server words it (plugin/cel/filter.go). */
function evaluate(expression, bindings) {
  const { run } = require('@bufbuild/cel');
  let result;
  try {
    result = run(expression, bindings);
  } catch (e) {
    result = e;
  }
  if (typeof result === 'boolean') return { value: result };
  const error = result instanceof Error ? result.message : `no bool but ${String(result)}`;
  return { error: `expression '${expression}' resulted in error: ${error}` };
}

/** Whether the policy applies: null (it does not), or [] (it does), or a refusal when a condition failed under Fail. */
function matchConditions(spec, bindings, fail) {
  const errors = [];
  for (const condition of spec.matchConditions ?? []) {
    const r = evaluate(condition.expression, bindings);
    if (r.error !== undefined) errors.push(r.error);
    else if (!r.value) return null;
  }
  if (errors.length === 0) return [];
  // utilerrors.NewAggregate: one error's message, or the messages in brackets
  return fail ? [{ message: errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`, reason: 'Invalid' }] : null;
}

/** The decisions of one policy for a request: [{message, reason}] of every refusal (an empty list admits). */
function refusals(policy, bindings) {
  const spec = policy.spec ?? {};
  const fail = (spec.failurePolicy ?? 'Fail') === 'Fail';
  const conditions = matchConditions(spec, bindings, fail);
  if (conditions === null || conditions.length > 0) return conditions ?? [];
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

const UNPLAYED = [
  ['spec.paramKind', (p) => p.spec?.paramKind], ['spec.variables', (p) => p.spec?.variables], ['spec.auditAnnotations', (p) => p.spec?.auditAnnotations],
  ['validations[].messageExpression', (p) => (p.spec?.validations ?? []).some((v) => v.messageExpression)],
  ['matchConstraints.objectSelector', (p) => p.spec?.matchConstraints?.objectSelector], ['matchConstraints.excludeResourceRules', (p) => p.spec?.matchConstraints?.excludeResourceRules],
  ['matchResources.objectSelector', (p) => p.spec?.matchResources?.objectSelector], ['matchResources.excludeResourceRules', (p) => p.spec?.matchResources?.excludeResourceRules],
  ['paramRef', (p) => p.spec?.paramRef],
];

/** Refuses what the stand-in does not play: a test must not pass on half a policy. */
function assertPlayed(object) {
  const unplayed = UNPLAYED.filter(([, has]) => has(object)).map(([field]) => field);
  if (unplayed.length > 0) throw new Error(`the admission stand-in does not play ${unplayed.join(', ')} (${object.kind} ${object.metadata.name})`);
}

// policy_decision.go reasonToCode: the reasons a validation may give, anything else 422
const CODES = { Forbidden: 403, Unauthorized: 401, RequestEntityTooLarge: 413, Invalid: 422 };

/**
 * Runs the admission policies in `state.admission` ([ValidatingAdmissionPolicy and
 * ValidatingAdmissionPolicyBinding objects]) on a request {operation, group, version, resource,
 * subresource, namespace, name, object, oldObject, username}. Returns null when admitted, else
 * {reason, code, message, details} as the API server answers; every evaluated request is logged in
 * `state.admitted` or `state.refused`.
 */
function admit(state, request) {
  const objects = state.admission ?? [];
  if (objects.length === 0) return null;
  objects.forEach(assertPlayed);
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
    const denied = refusals(policy, bindings);
    if (denied.length > 0 && (binding.spec.validationActions ?? []).includes('Deny')) {
      const qualified = request.group ? `${request.resource}.${request.group}` : request.resource;
      const cause = `ValidatingAdmissionPolicy '${policy.metadata.name}' with binding '${binding.metadata.name}' denied request: ${denied[0].message}`;
      const message = `${qualified} "${request.name}" is forbidden: ${cause}`;
      state.refused = [...(state.refused ?? []), { ...summary, message }];
      // the status details: the resource (without group) as its kind, the name, and the cause
      return { reason: denied[0].reason, code: CODES[denied[0].reason] ?? 422, message, details: { kind: request.resource, name: request.name, cause } };
    }
  }
  state.admitted = [...(state.admitted ?? []), summary];
  return null;
}

module.exports = { admit };
