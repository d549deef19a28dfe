/** The parser used to read /metrics in the tests: families of metrics, as the package documents them. */
declare module "parse-prometheus-text-format" {
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
