import { trendHistogramSeries, trendStatSeries } from '../src/_k6-prometheus';
import { assertSoakThreshold, parseThresholdExpression, parseThresholdMetric } from '../src/_k6-threshold';

// What k6 v2.2.0 reads in `options.thresholds`: metric names with tag filters, and expressions.

const METRIC_REFUSAL = 'm must name a k6 metric such as "http_req_duration" or a sub-metric such as "http_req_duration{endpoint:GET /orders}", got ';
const EXPRESSION_REFUSAL = 'e must hold k6 threshold expressions such as "p(95)<500", "rate<0.01" or "count<10", got ';

describe('parseThresholdMetric', () => {
  test('a plain metric has no tags', () => {
    expect(parseThresholdMetric('m', 'http_req_duration')).toEqual({ name: 'http_req_duration', tags: [] });
  });

  test.each<[string, string, Array<[string, string]>]>([
    ['one tag', 'http_req_duration{endpoint:GET /orders}', [['endpoint', 'GET /orders']]],
    ['spaces around key and value', 'http_req_duration{ endpoint : GET /orders }', [['endpoint', 'GET /orders']]],
    ['quotes around key and value', 'http_req_duration{"endpoint":\'GET /orders\'}', [['endpoint', 'GET /orders']]],
    ['several quotes on each side', 'http_req_duration{\'"endpoint"\':""GET /orders\'\'}', [['endpoint', 'GET /orders']]],
    ['a quote inside the value', 'http_req_duration{endpoint:GET /o\'rders}', [['endpoint', 'GET /o\'rders']]],
    ['only the first colon splits', 'http_req_duration{endpoint:GET /a:b}', [['endpoint', 'GET /a:b']]],
    ['several tags', 'http_req_duration{endpoint:GET /orders,window:late}', [['endpoint', 'GET /orders'], ['window', 'late']]],
    ['a key of a letter or underscore then digits', 'http_req_duration{_k9:v}', [['_k9', 'v']]],
  ])('reads %s', (_name, metric, tags) => {
    expect(parseThresholdMetric('m', metric)).toEqual({ name: 'http_req_duration', tags });
  });

  test.each<[string, string]>([
    ['no name before the tags', '{endpoint:GET /orders}'],
    ['a name starting with a digit', '9lives'],
    ['a closing brace without an opening one', 'http_req_duration}'],
    ['text after the closing brace', 'http_req_duration{endpoint:GET /orders}x'],
    ['a missing closing brace', 'http_req_duration{endpoint:GET /orders'],
    ['a tag without a colon', 'http_req_duration{endpoint}'],
    ['a tag with an empty key', 'http_req_duration{:GET /orders}'],
    ['a key starting with a digit', 'http_req_duration{1endpoint:GET /orders}'],
    ['a key with a dash inside', 'http_req_duration{end-point:GET /orders}'],
    ['a key ending in a dash', 'http_req_duration{endpoint-:GET /orders}'],
    ['an empty value', 'http_req_duration{endpoint:}'],
    ['a value of quotes only', 'http_req_duration{endpoint:"\'"}'],
    ['an empty tag between commas', 'http_req_duration{endpoint:GET /orders,}'],
  ])('refuses %s', (_name, metric) => {
    expect(() => parseThresholdMetric('m', metric)).toThrow(METRIC_REFUSAL + JSON.stringify(metric));
  });
});

describe('parseThresholdExpression', () => {
  test.each<[string, { aggregation: string; operator: string; bound: number }]>([
    ['p(95)<500', { aggregation: 'p(95)', operator: '<', bound: 500 }],
    ['p(0)<500', { aggregation: 'p(0)', operator: '<', bound: 500 }],
    ['p(100)<=2000', { aggregation: 'p(100)', operator: '<=', bound: 2000 }],
    ['p(100.0)<2000', { aggregation: 'p(100)', operator: '<', bound: 2000 }],
    ['p(99.90) < 1500', { aggregation: 'p(99.9)', operator: '<', bound: 1500 }],
    ['p(095)<500', { aggregation: 'p(95)', operator: '<', bound: 500 }],
    [' rate >= 0.99 ', { aggregation: 'rate', operator: '>=', bound: 0.99 }],
    ['count===0', { aggregation: 'count', operator: '===', bound: 0 }],
    ['value!=-1.5', { aggregation: 'value', operator: '!=', bound: -1.5 }],
  ])('reads %s', (expression, parsed) => {
    expect(parseThresholdExpression('e', expression)).toEqual(parsed);
  });

  test.each([['p(100.5)<500'], ['p(101)<500'], ['p95<500'], ['avg<'], ['avg=500'], ['mean<500'], ['rate<1e-2']])('refuses %s', (expression) => {
    expect(() => parseThresholdExpression('e', expression)).toThrow(EXPRESSION_REFUSAL + JSON.stringify(expression));
  });
});

describe('assertSoakThreshold', () => {
  const tagValues = { endpoint: ['GET /orders'], window: ['early', 'steady', 'late'] };

  test('a tag the script does not set is not checked against its values', () => {
    expect(assertSoakThreshold('t', 'http_req_duration{status:200}', ['p(95)<500'], tagValues)).toEqual([
      { aggregation: 'p(95)', operator: '<', bound: 500 },
    ]);
  });

  test('a tag the script sets must name a value it uses', () => {
    expect(assertSoakThreshold('t', 'http_req_duration{window:late}', ['avg<300'], tagValues)).toEqual([
      { aggregation: 'avg', operator: '<', bound: 300 },
    ]);
    expect(() => assertSoakThreshold('t', 'http_req_duration{window:middle}', ['avg<300'], tagValues)).toThrow(
      't must filter window on a value the script uses ("early", "steady", "late"); a filter that matches nothing always passes, got "middle"');
  });
});

describe('Prometheus remote-write series', () => {
  test.each([
    ['avg', 'k6_http_req_duration_avg'],
    ['max', 'k6_http_req_duration_max'],
    ['p(95)', 'k6_http_req_duration_p95'],
    ['p(99.9)', 'k6_http_req_duration_p999'],
    ['p(99.99)', 'k6_http_req_duration_p9999'],
  ])('the trend stat %s is written as %s', (stat, series) => {
    expect(trendStatSeries('http_req_duration', stat)).toBe(series);
  });

  test('a native histogram of a time trend is in seconds', () => {
    expect(trendHistogramSeries('http_req_duration')).toBe('k6_http_req_duration_seconds');
  });
});
