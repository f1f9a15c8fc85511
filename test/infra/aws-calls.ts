import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ts from 'typescript';
import { repoPath } from '../../infra/lambda';

/** One AWS call a function's code can make: the SDK package, the operation, and the file that builds it. */
export interface AwsCall {
  /** e.g. `@aws-sdk/client-medialive`, `@aws-sdk/lib-dynamodb` */
  readonly client: string;
  /** The SDK operation, e.g. `UpdateChannel` (lib-dynamodb: `Get`, `Put`, …). */
  readonly operation: string;
  /** Where the command is built: a repository path, or the library that builds it. */
  readonly site: string;
}

/**
 * Libraries that call AWS themselves, by the class the project constructs: the calls are read from
 * the library's shipped JavaScript (its `new …Command(` sites), so they follow the installed version.
 */
const LIBRARY_CALLERS: Readonly<Record<string, { module: string; client: string }>> = {
  DynamoDBPersistenceLayer: { module: '@aws-lambda-powertools/idempotency/dynamodb', client: '@aws-sdk/client-dynamodb' },
};

/**
 * Every AWS call reachable from each entry's `handler` export, found with the TypeScript checker:
 * from the handler, every project function, method or constant it references is followed (so
 * `deps.store.mutate` leads into `core/aws/store.ts`), and every `new XCommand(…)` / `paginateX(…)`
 * whose declaration is in an `@aws-sdk/*` package is a call. Over-approximates (a referenced
 * function counts as called), never under-approximates within project code.
 */
export function awsCallsOf(entries: readonly string[]): Map<string, AwsCall[]> {
  const config = ts.parseJsonConfigFileContent(
    ts.readConfigFile(repoPath('tsconfig.json'), (path) => ts.sys.readFile(path)).config,
    ts.sys,
    repoPath('.'),
  );
  const program = ts.createProgram(
    entries.map((entry) => repoPath(entry)),
    config.options,
  );
  const checker = program.getTypeChecker();
  const root = repoPath('.');
  const projectFile = (file: string) => file.startsWith(root) && !file.includes('/node_modules/');
  const sdkPackage = (file: string) => /\/node_modules\/(@aws-sdk\/[^/]+)\//.exec(file)?.[1];

  const result = new Map<string, AwsCall[]>();
  for (const entry of entries) {
    const source = program.getSourceFile(repoPath(entry));
    if (!source) throw new Error(`cannot read ${entry}`);
    const calls = new Map<string, AwsCall>();
    const seen = new Set<ts.Node>();
    const add = (call: AwsCall) => calls.set(`${call.client} ${call.operation} ${call.site}`, call);

    const declarationOf = (node: ts.Node): ts.Declaration | undefined => {
      let symbol = checker.getSymbolAtLocation(node);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      return symbol?.declarations?.[0];
    };

    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
        const callee = ts.isPropertyAccessExpression(node.expression) ? node.expression.name : node.expression;
        const declaration = declarationOf(callee);
        const file = declaration?.getSourceFile().fileName ?? '';
        const name = callee.getText();
        const pkg = sdkPackage(file);
        const site = node.getSourceFile().fileName.slice(root.length);
        if (pkg && ts.isNewExpression(node) && name.endsWith('Command')) {
          add({ client: pkg, operation: name.slice(0, -'Command'.length), site });
        } else if (pkg && ts.isCallExpression(node) && name.startsWith('paginate')) {
          add({ client: pkg, operation: name.slice('paginate'.length), site });
        } else if (ts.isNewExpression(node) && LIBRARY_CALLERS[name] && file.includes('/node_modules/')) {
          for (const call of libraryCalls(name)) add(call);
        }
      }
      if (ts.isIdentifier(node)) follow(declarationOf(node));
      ts.forEachChild(node, visit);
    };

    // A referenced project function, method, constructor or constant: walk its body once.
    const follow = (declaration: ts.Declaration | undefined): void => {
      if (!declaration || seen.has(declaration) || !projectFile(declaration.getSourceFile().fileName)) return;
      seen.add(declaration);
      if (ts.isFunctionLike(declaration) && 'body' in declaration && declaration.body) visit(declaration.body);
      else if (ts.isVariableDeclaration(declaration) && declaration.initializer) visit(declaration.initializer);
      else if (ts.isClassDeclaration(declaration)) {
        for (const member of declaration.members) if (ts.isConstructorDeclaration(member) || ts.isPropertyDeclaration(member)) visit(member);
      }
    };

    const handler = checker
      .getExportsOfModule(checker.getSymbolAtLocation(source)!)
      .find((symbol) => symbol.name === 'handler')?.declarations?.[0];
    if (!handler) throw new Error(`${entry} exports no handler`);
    follow(handler);
    result.set(entry, [...calls.values()]);
  }
  return result;
}

const require = createRequire(import.meta.url);

/** The commands a library's shipped code builds (`new client_dynamodb_1.GetItemCommand(` …). */
function libraryCalls(className: string): AwsCall[] {
  const { module, client } = LIBRARY_CALLERS[className];
  const code = readFileSync(require.resolve(module), 'utf8');
  if (!code.includes(`class ${className}`)) throw new Error(`${module} no longer defines ${className}: read its calls elsewhere`);
  const operations = new Set([...code.matchAll(/new (?:\w+\.)?(\w+)Command\(/g)].map((m) => m[1]));
  return [...operations].map((operation) => ({ client, operation, site: module }));
}
