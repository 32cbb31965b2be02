import {
  IdentifierNode,
  KyselyPlugin,
  OperationNodeTransformer,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryId,
  QueryResult,
  RawNode,
  RootOperationNode,
  TableNode,
  UnknownRow,
} from 'kysely';

/** The physical name of a projection's table in one generation: analysts query the plain name, a view. */
export const physicalTable = (table: string, generation: number): string => `${table}__g${generation}`;

class TableRenamer extends OperationNodeTransformer {
  constructor(private readonly names: ReadonlyMap<string, string>) {
    super();
  }

  protected override transformTable(node: TableNode): TableNode {
    const transformed = super.transformTable(node);
    const renamed = this.names.get(transformed.table.identifier.name);
    if (!renamed) return transformed;
    return { ...transformed, table: { ...transformed.table, identifier: IdentifierNode.create(renamed) } };
  }

  /**
   * A raw fragment's parameters are mostly bound values (a VALUES table of a batch's keys holds
   * a thousand): it is copied only when a part of it was, not value by value.
   */
  protected override transformRaw(node: RawNode, queryId?: QueryId): RawNode {
    let parameters: RawNode['parameters'][number][] | undefined;
    node.parameters.forEach((parameter, i) => {
      if (parameter.kind === 'ValueNode') return;
      const transformed = this.transformNode(parameter, queryId);
      if (transformed === parameter) return;
      parameters ??= [...node.parameters];
      parameters[i] = transformed;
    });
    return parameters ? { ...node, parameters } : node;
  }
}

/**
 * Lets a projection write its tables by their plain names while the rows go to one
 * generation's physical tables: how a rebuild fills new tables beside the live ones.
 */
export class GenerationTablesPlugin implements KyselyPlugin {
  private readonly renamer: TableRenamer;

  constructor(tables: readonly string[], generation: number) {
    this.renamer = new TableRenamer(new Map(tables.map((table) => [table, physicalTable(table, generation)])));
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.renamer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
