// ESLint: typescript-eslint's strict type-checked rules over every TypeScript file, with the
// type information of tsconfig.json. Formatting is Prettier's (eslint-config-prettier turns
// off every rule that would disagree with it). A rule is switched off or narrowed only where
// it fights a deliberate pattern, with the reason beside it.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'tools/kafka/**', '.openapi-client-test/**', 'bench/*.tmp.ts'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // Numbers in messages and SQL fragments are deliberate; objects and unions still need a String().
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // NestJS modules are empty classes that carry their @Module decorator.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      // `(x) => doSomething(x)` callbacks that return void are the usual shape for listeners.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // An async method without await still turns a throw into a rejection, as its port promises.
      '@typescript-eslint/require-await': 'off',
      // NestJS declares its option bags (NestApplicationContextOptions) as classes and takes plain objects.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // `const { dropped: _dropped, ...kept } = x` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // View and report queries run over tables named per generation at run time: Kysely<any> is
    // the type of a database whose schema is known only then.
    files: ['libs/projection/src/**/*.ts', 'libs/query/src/**/*.ts', 'libs/alerts/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      // The row types say number, but pg answers BIGINT columns as strings: Number() is the conversion.
      '@typescript-eslint/no-unnecessary-type-conversion': 'off',
    },
  },
  {
    // PostgreSQL text cannot hold U+0000 and events must not carry it: these files look for it on purpose.
    files: ['libs/postgres/src/postgres-text.ts', 'libs/events/src/validation/event-shape.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // kafkajs types the EachBatchPayload callbacks as methods, but they are closures made to be destructured.
    files: ['libs/ingest/src/kafka/ingest-consumer.ts', 'libs/projection/src/kafka/partitioned-projector.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Tests read HTTP answers and SQL rows as parsed JSON and let expect() check their shape.
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*.fixtures.ts', '**/testing/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // SQL rows read back in tests are checked against BIGINT strings the same way.
      '@typescript-eslint/no-unnecessary-type-conversion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Plain CommonJS files (jest config, the CLI shim) are not part of the TypeScript program.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
