/*
 * STAND-IN part: RBAC authorization of every kubectl call, against the Roles and RoleBindings the
 * construct synthesized (fed into the scripted state). What it follows:
 * - kubernetes v1.28 plugin/pkg/auth/authorizer/rbac/rbac.go: a namespaced request is allowed when a
 *   RoleBinding of that namespace binds the user and its Role has a rule that allows it; a
 *   ServiceAccount subject without a namespace means the binding's namespace (appliesToUser);
 * - kubernetes pkg/apis/rbac/v1/evaluation_helpers.go: VerbMatches, APIGroupMatches,
 *   ResourceMatches (a subresource request matches a rule resource `<resource>/<subresource>`,
 *   `*`, or a star followed by `/<subresource>`, never the bare resource) and ResourceNameMatches (no resourceNames: any
 *   name; otherwise the request's name must be listed, so a list, which has no name, never
 *   matches a rule with resourceNames);
 * - apiserver v0.28.13 pkg/endpoints/handlers/responsewriters/errors.go forbiddenMessage and
 *   apimachinery v0.28.13 pkg/api/errors NewForbidden for the message;
 * - a deleted RoleBinding grants nothing from the next request on.
 */

const matchesAny = (list, value) => (list ?? []).some((v) => v === '*' || v === value);

// ResourceMatches: a subresource request (pods/eviction) needs a rule naming pods/eviction, or */eviction, or *
function resourceMatches(rule, request) {
  if (!request.subresource) return matchesAny(rule.resources, request.resource);
  const combined = `${request.resource}/${request.subresource}`;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || r === `*/${request.subresource}`);
}

function ruleAllows(rule, request) {
  return matchesAny(rule.verbs, request.verb)
    && matchesAny(rule.apiGroups, request.group)
    && resourceMatches(rule, request)
    && ((rule.resourceNames ?? []).length === 0 || rule.resourceNames.includes(request.name));
}

function bindsUser(binding, account) {
  return (binding.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === account.name
    && (s.namespace ?? binding.metadata.namespace) === account.namespace);
}

/**
 * Whether the account may make the request {verb, group, resource, namespace, name}.
 * `state.rbac` = { account: {namespace, name}, roles: [Role], bindings: [RoleBinding] }.
 */
function authorize(state, request) {
  const { account, roles, bindings } = state.rbac;
  return bindings.filter((b) => !b.deleted && b.metadata.namespace === request.namespace && bindsUser(b, account))
    .some((b) => {
      const role = b.roleRef.kind === 'Role' && roles.find((r) => r.metadata.name === b.roleRef.name && r.metadata.namespace === request.namespace);
      return role && (role.rules ?? []).some((rule) => ruleAllows(rule, request));
    });
}

/** kubectl's line for a Forbidden answer (StandardErrorMessage: `Error from server (Forbidden): ...`). */
function forbiddenLine(state, request) {
  const { account } = state.rbac;
  const qualified = request.group ? `${request.resource}.${request.group}` : request.resource;
  const subject = request.name ? `${qualified} "${request.name}"` : qualified;
  // forbiddenMessage names the subresource; the error's group resource does not (responsewriters/errors.go Forbidden)
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  return `Error from server (Forbidden): ${subject} is forbidden: User "system:serviceaccount:${account.namespace}:${account.name}" `
    + `cannot ${request.verb} resource "${resource}" in API group "${request.group}" in the namespace "${request.namespace}"`;
}

module.exports = { authorize, forbiddenLine };
