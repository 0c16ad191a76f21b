import {
  type FieldNode,
  GraphQLIncludeDirective,
  GraphQLObjectType,
  type GraphQLResolveInfo,
  GraphQLSkipDirective,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  Kind,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The fields execution will resolve under `fieldNodes` on `type`, in document
 * order: through named and inline fragments whose type condition applies, and
 * honouring @skip/@include. Read-ahead decisions are taken on this, so that a
 * document costs the same statements however it is written.
 */
export function subfields(info: GraphQLResolveInfo, fieldNodes: readonly FieldNode[], type: GraphQLObjectType): FieldNode[] {
  const fields: FieldNode[] = [];
  const spread = new Set<string>();
  const walk = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (!included(info, selection)) continue;
      if (selection.kind === Kind.FIELD) {
        fields.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(info, selection.typeCondition?.name.value, type)) walk(selection.selectionSet);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = info.fragments[selection.name.value];
        if (fragment && applies(info, fragment.typeCondition.name.value, type)) walk(fragment.selectionSet);
      }
    }
  };
  for (const node of fieldNodes) walk(node.selectionSet);
  return fields;
}

/** The object type a field returns (lists and non-null unwrapped), or undefined for scalars and abstract types. */
export function objectTypeOf(type: Parameters<typeof getNamedType>[0]): GraphQLObjectType | undefined {
  const named = getNamedType(type);
  return named instanceof GraphQLObjectType ? named : undefined;
}

/**
 * True when a connection field (its nodes, of connection type `type`) selects
 * `totalCount` (and `__typename`) and nothing else, however the selection is
 * written: its page need not be read.
 */
export function selectsOnlyTotalCount(info: GraphQLResolveInfo, fieldNodes: readonly FieldNode[], type: GraphQLObjectType | undefined): boolean {
  if (!type) return false;
  return subfields(info, fieldNodes, type).every((field) => field.name.value === 'totalCount' || field.name.value === '__typename');
}

function included(info: GraphQLResolveInfo, node: SelectionNode): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}

/** Whether a fragment with this type condition applies to `type` (no condition: always). */
function applies(info: GraphQLResolveInfo, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (condition === undefined || condition === type.name) return true;
  const conditional = info.schema.getType(condition);
  return conditional !== undefined && isAbstractType(conditional) && info.schema.isSubType(conditional, type);
}
