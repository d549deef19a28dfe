// Reads the elements' JSDoc (attributes, events, parts, custom properties) into custom-elements.json.
export default {
  globs: ["src/components/**/*.ts"],
  exclude: ["src/components/**/*.test.ts", "src/components/**/*.fixture.ts"],
  litelement: true,
  // package.json names the manifest itself; the test run writes one elsewhere.
  packagejson: false,
};
