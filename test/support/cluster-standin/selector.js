/*
 * STAND-IN part: label selectors as the API server parses and matches them for `kubectl get -l`.
 * A port of kubernetes/apimachinery v0.28.13 pkg/labels/selector.go (Lexer, Parser, Requirement.Matches),
 * the version kubectl 1.28.13 (alpine/k8s:1.28.13) talks to. The API server parses the selector
 * (apiserver v0.28.13 pkg/endpoints/handlers/get.go ListResource: a parse error becomes a 400
 * BadRequest with the parser's message).
 */

// string2token of selector.go
const TOKENS = { ')': 'ClosedPar', ',': 'Comma', '!': 'DoesNotExist', '==': 'DoubleEquals', '=': 'Equals', '>': 'GreaterThan', 'in': 'In', '<': 'LessThan', '!=': 'NotEquals', 'notin': 'NotIn', '(': 'OpenPar' };
const isSpecial = (ch) => '=!(),><'.includes(ch);
const isWhitespace = (ch) => ' \t\r\n'.includes(ch);

function lex(s) {
  const items = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'End', lit: '' });
      return items;
    }
    if (isSpecial(s[pos])) {
      // scanSpecialSymbol: the longest operator among '!=', '==', '=', ...
      let buffer = '';
      let last;
      while (pos < s.length && isSpecial(s[pos])) {
        buffer += s[pos];
        if (TOKENS[buffer]) {
          last = { tok: TOKENS[buffer], lit: buffer };
          pos++;
        } else if (last) {
          break;
        } else {
          pos++;
        }
      }
      items.push(last ?? { tok: 'Error', lit: `error expected: keyword found '${buffer}'` });
      continue;
    }
    let buffer = '';
    while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) buffer += s[pos++];
    items.push(TOKENS[buffer] ? { tok: TOKENS[buffer], lit: buffer } : { tok: 'Identifier', lit: buffer });
  }
}

// validateLabelKey / validateLabelValue: qualified names and label values (apimachinery validation.IsQualifiedName, IsValidLabelValue)
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
function validKey(key) {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) return false;
  return slash < 0 || (key.slice(0, slash).length <= 253 && SUBDOMAIN.test(key.slice(0, slash)));
}
const validValue = (v) => v === '' || (v.length <= 63 && NAME.test(v));

/** Parses a selector into requirements [{key, op, values}]; throws Error(message) like labels.Parse. */
function parseSelector(selector) {
  const items = lex(selector);
  let position = 0;
  // lookahead/consume in the Values context turn 'in'/'notin' into identifiers
  const look = (values) => {
    const it = items[position];
    return values && (it.tok === 'In' || it.tok === 'NotIn') ? { ...it, tok: 'Identifier' } : it;
  };
  const take = (values) => {
    const it = look(values);
    position++;
    return it;
  };

  function requirement() {
    let it = take(true);
    let op;
    if (it.tok === 'DoesNotExist') {
      op = 'DoesNotExist';
      it = take(true);
    }
    if (it.tok !== 'Identifier') throw new Error(`found '${it.lit}', expected: identifier`);
    const key = it.lit;
    if (!validKey(key)) throw new Error(`key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.'`);
    // parseRequirement returns at once for '!key'; whatever follows is refused by the caller
    if (op === 'DoesNotExist') return { key, op, values: [] };
    const next = look(true).tok;
    if (next === 'End' || next === 'Comma') return { key, op: 'Exists', values: [] };
    const opItem = take(false);
    const ops = { In: 'In', Equals: 'Equals', DoubleEquals: 'Equals', GreaterThan: 'Gt', LessThan: 'Lt', NotIn: 'NotIn', NotEquals: 'NotEquals' };
    if (!ops[opItem.tok]) throw new Error(`found '${opItem.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    op = ops[opItem.tok];
    let values;
    if (op === 'In' || op === 'NotIn') {
      const open = take(true);
      if (open.tok !== 'OpenPar') throw new Error(`found '${open.lit}' expected: '('`);
      values = [];
      if (look(true).tok === 'ClosedPar') {
        take(true);
        values = [''];
      } else {
        for (;;) {
          const v = take(true);
          if (v.tok === 'Identifier') values.push(v.lit);
          else if (v.tok === 'Comma') { values.push(''); continue; } else throw new Error(`found '${v.lit}', expected: ',', or identifier`);
          const after = take(true);
          if (after.tok === 'ClosedPar') break;
          if (after.tok !== 'Comma') throw new Error(`found '${after.lit}', expected: ',' or ')'`);
        }
      }
    } else {
      const v = look(true);
      if (v.tok === 'End' || v.tok === 'Comma') values = [''];
      else if (take(true).tok === 'Identifier') values = [v.lit];
      else throw new Error(`found '${v.lit}', expected: identifier`);
    }
    for (const v of values) if (!validValue(v)) throw new Error(`values[0][${key}]: Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'`);
    if ((op === 'Gt' || op === 'Lt') && !/^-?\d+$/.test(values[0])) throw new Error("for 'Gt', 'Lt' operators, the value must be an integer");
    return { key, op, values };
  }

  const requirements = [];
  for (;;) {
    const it = look(true);
    if (it.tok === 'End') return requirements;
    if (it.tok !== 'Identifier' && it.tok !== 'DoesNotExist') throw new Error(`found '${it.lit}', expected: !, identifier, or 'end of string'`);
    try {
      requirements.push(requirement());
    } catch (e) {
      throw new Error(`unable to parse requirement: ${e.message}`);
    }
    const sep = take(true);
    if (sep.tok === 'End') return requirements;
    if (sep.tok !== 'Comma') throw new Error(`found '${sep.lit}', expected: ',' or 'end of string'`);
    const after = look(true).tok;
    if (after !== 'Identifier' && after !== 'DoesNotExist') throw new Error(`found '${look(true).lit}', expected: identifier after ','`);
  }
}

/** Requirement.Matches: `!=` and `notin` match pods that lack the key; `=` and `in` need it. */
function requirementMatches(r, labels) {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case 'In': case 'Equals': return has && r.values.includes(labels[r.key]);
    case 'NotIn': case 'NotEquals': return !has || !r.values.includes(labels[r.key]);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': case 'Lt': {
      if (!has || !/^-?\d+$/.test(labels[r.key])) return false;
      const a = Number(labels[r.key]);
      const b = Number(r.values[0]);
      return r.op === 'Gt' ? a > b : a < b;
    }
    default: return false;
  }
}

/** Whether labels match a selector string (an empty selector matches everything, as labels.Everything()). */
function matchesSelector(selector, labels) {
  return parseSelector(selector).every((r) => requirementMatches(r, labels));
}

/** A metav1.LabelSelector (matchLabels, matchExpressions) matched as LabelSelectorAsSelector does. */
function matchesLabelSelector(selector, labels) {
  const requirements = [
    ...Object.entries(selector?.matchLabels ?? {}).map(([key, v]) => ({ key, op: 'Equals', values: [v] })),
    // matchExpressions operators In, NotIn, Exists, DoesNotExist carry the same names here
    ...(selector?.matchExpressions ?? []).map((e) => ({ key: e.key, op: e.operator, values: e.values ?? [] })),
  ];
  return requirements.every((r) => requirementMatches(r, labels));
}

module.exports = { parseSelector, matchesSelector, matchesLabelSelector };
